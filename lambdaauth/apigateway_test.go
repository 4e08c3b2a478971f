package lambdaauth_test

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth/lambdalocal"
)

// serveGateway serves a function on ln behind the API Gateway stand-in; each
// invocation goes through aws-lambda-go's own JSON handling.
func serveGateway(t *testing.T, ln net.Listener, payload, stage string, fn any, authz lambdalocal.AuthorizerFunc) {
	t.Helper()
	gw := &lambdalocal.Gateway{Payload: payload, Stage: stage, Invoke: lambdalocal.Handler(fn), Authorizer: authz}
	srv := &http.Server{Handler: gw, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// nativeREST is the hosted-UI conformance app as a REST API handler.
func nativeREST(t *testing.T, app conformance.HostedUIApp) lambdaauth.RESTHandler {
	auth, err := lambdaauth.New(lambdaauth.WithBaseAuth(app.Auth), lambdaauth.WithHostedUI(app.UI))
	if err != nil {
		t.Fatal(err)
	}
	return auth.ProtectREST(func(ctx context.Context, e events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		h := http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
		switch e.Path {
		case "/":
			return lambdaauth.RESTResponse(http.StatusOK, h, "hello "+lambdaauth.User(ctx).Email), nil
		case "/reports":
			return lambdaauth.RESTResponse(http.StatusOK, h, "reports for "+lambdaauth.User(ctx).Email), nil
		}
		return lambdaauth.RESTResponse(http.StatusNotFound, h, "not found"), nil
	})
}

// nativeHTTPAPI is the hosted-UI conformance app as an HTTP API handler.
func nativeHTTPAPI(t *testing.T, app conformance.HostedUIApp) lambdaauth.HTTPAPIHandler {
	auth, err := lambdaauth.New(lambdaauth.WithBaseAuth(app.Auth), lambdaauth.WithHostedUI(app.UI))
	if err != nil {
		t.Fatal(err)
	}
	return auth.ProtectHTTPAPI(func(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		h := http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
		req, err := auth.GetAuthUserHTTPAPI(ctx, &e) // the stored user, as a handler would ask
		if err != nil {
			return events.APIGatewayV2HTTPResponse{}, err
		}
		switch lambdaauth.HTTPAPIPath(&e) { // without the stage
		case "/":
			return lambdaauth.HTTPAPIResponse(http.StatusOK, h, "hello "+req.Email), nil
		case "/reports":
			return lambdaauth.HTTPAPIResponse(http.StatusOK, h, "reports for "+req.Email), nil
		}
		return lambdaauth.HTTPAPIResponse(http.StatusNotFound, h, "not found"), nil
	})
}

// TestHostedUIBehindAPIGateway walks the hosted-UI login (protected page,
// hosted UI, callback, silent refresh, CSRF-checked logout) through the API
// Gateway stand-in for both payload formats, under the stage prefix and, for
// the HTTP API, on the $default stage too.
func TestHostedUIBehindAPIGateway(t *testing.T) {
	for _, tc := range []struct {
		name, payload, stage string
		fn                   func(*testing.T, conformance.HostedUIApp) any
	}{
		{"REST API, stage Prod", lambdalocal.PayloadREST, "Prod", func(t *testing.T, a conformance.HostedUIApp) any { return nativeREST(t, a) }},
		{"HTTP API, stage Prod", lambdalocal.PayloadHTTPAPI, "Prod", func(t *testing.T, a conformance.HostedUIApp) any { return nativeHTTPAPI(t, a) }},
		{"HTTP API, $default stage", lambdalocal.PayloadHTTPAPI, "", func(t *testing.T, a conformance.HostedUIApp) any { return nativeHTTPAPI(t, a) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prefix := ""
			if tc.stage != "" {
				prefix = "/" + tc.stage
			}
			conformance.RunHostedUIAt(t, func(t *testing.T, app conformance.HostedUIApp, ln net.Listener) {
				serveGateway(t, ln, tc.payload, tc.stage, tc.fn(t, app), nil)
			}, prefix)
		})
	}
}
