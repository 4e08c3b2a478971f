package lambdaauth_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth"
)

// Protect a whole Lambda handler; in main: lambda.Start(auth.Protect(handler)).
func ExampleAuth_Protect() {
	iss, _ := cognitotest.New() // plays the ALB; in production New reads COGNITO_AUTH_*
	defer iss.Close()
	auth, err := lambdaauth.New(lambdaauth.WithBypass("/health"),
		lambdaauth.WithCoreOptions(append(iss.Options(), core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))...))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()

	handler := auth.Protect(func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		return lambdaauth.Response(&e, http.StatusOK, nil, "hello "+lambdaauth.User(ctx).Email), nil
	})

	// An event as the ALB sends it (header names lower-cased).
	h := iss.Mint(cognitotest.User{Email: "ada@example.com"})
	event := events.ALBTargetGroupRequest{HTTPMethod: "GET", Path: "/", Headers: map[string]string{
		"x-amzn-oidc-data": h.Data, "x-amzn-oidc-accesstoken": h.AccessToken, "x-amzn-oidc-identity": h.Identity,
	}}
	resp, _ := handler(context.Background(), event)
	fmt.Println(resp.StatusCode, resp.Body)

	event.Headers = map[string]string{"accept": "application/json"}
	resp, _ = handler(context.Background(), event)
	fmt.Println(resp.StatusDescription, resp.Headers["Www-Authenticate"])
	// Output:
	// 200 hello ada@example.com
	// 401 Unauthorized Bearer realm="cognito-auth"
}

// A REST API (payload 1.0) function: ProtectREST guards it, the user is in
// the context; main would call lambda.Start(auth.ProtectREST(handler)).
func ExampleAuth_ProtectREST() {
	iss, _ := cognitotest.New()
	defer iss.Close()
	auth, err := lambdaauth.New(lambdaauth.WithCoreOptions(append(iss.Options(), core.WithBearer(true),
		core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))...))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()
	handler := auth.ProtectREST(func(ctx context.Context, _ events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		return lambdaauth.RESTResponse(http.StatusOK, nil, "hello "+lambdaauth.User(ctx).Username), nil
	})

	token := iss.Mint(cognitotest.User{Username: "ada"}).AccessToken
	resp, _ := handler(context.Background(), events.APIGatewayProxyRequest{
		HTTPMethod: "GET", Path: "/",
		MultiValueHeaders: map[string][]string{"Authorization": {"Bearer " + token}},
	})
	fmt.Println(resp.StatusCode, resp.Body)
	resp, _ = handler(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/"})
	fmt.Println(resp.StatusCode)
	// Output:
	// 200 hello ada
	// 401
}

// An HTTP API (payload 2.0) function: the stage stays in rawPath, cookies
// come in their own array; ProtectHTTPAPI handles both.
func ExampleAuth_ProtectHTTPAPI() {
	iss, _ := cognitotest.New()
	defer iss.Close()
	auth, err := lambdaauth.New(lambdaauth.WithCoreOptions(append(iss.Options(), core.WithBearer(true),
		core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))...))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()
	handler := auth.ProtectHTTPAPI(func(ctx context.Context, _ events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return lambdaauth.HTTPAPIResponse(http.StatusOK, nil, "hello "+lambdaauth.User(ctx).Username), nil
	})
	e := events.APIGatewayV2HTTPRequest{Version: "2.0", RawPath: "/Prod/", Headers: map[string]string{
		"authorization": "Bearer " + iss.Mint(cognitotest.User{Username: "ada"}).AccessToken,
	}}
	e.RequestContext.Stage = "Prod"
	resp, _ := handler(context.Background(), e)
	fmt.Println(resp.StatusCode, resp.Body)
	// Output:
	// 200 hello ada
}

// A framework app (here net/http; gin, echo and chi alike) on Lambda: the
// app's own adapter protects it, Proxy turns API Gateway (1.0 or 2.0) and
// ALB events into requests; main would call lambda.Start(lambdaauth.Proxy(app)).
func ExampleProxy() {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "a", Value: "1"})
		http.SetCookie(w, &http.Cookie{Name: "b", Value: "2"})
		_, _ = fmt.Fprint(w, "path "+r.URL.Path)
	})
	fn := lambdaauth.Proxy(app)
	out, _ := fn(context.Background(), []byte(`{"version":"2.0","rawPath":"/Prod/reports","requestContext":{"stage":"Prod","http":{"method":"GET"}}}`))
	v2 := out.(events.APIGatewayV2HTTPResponse)
	fmt.Println(v2.StatusCode, v2.Body, v2.Cookies)
	out, _ = fn(context.Background(), []byte(`{"httpMethod":"GET","path":"/reports","requestContext":{"stage":"Prod"}}`))
	v1 := out.(events.APIGatewayProxyResponse)
	fmt.Println(v1.StatusCode, v1.Body, v1.MultiValueHeaders["Set-Cookie"])
	// Output:
	// 200 path /reports [a=1 b=2]
	// 200 path /reports [a=1 b=2]
}
