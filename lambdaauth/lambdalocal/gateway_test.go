package lambdalocal_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognitoauth/cognito-auth-go/lambdaauth/lambdalocal"
)

// TestGatewayAnswersLikeAPIGateway: requests outside the stage, a refusing
// authorizer, a function error and a malformed function answer get API
// Gateway's own responses; a good answer passes through with every cookie.
func TestGatewayAnswersLikeAPIGateway(t *testing.T) {
	ok := func(_ context.Context, e events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		return events.APIGatewayProxyResponse{
			StatusCode: 201, Body: e.Path,
			MultiValueHeaders: map[string][]string{"Set-Cookie": {"a=1", "b=2"}},
		}, nil
	}
	failing := func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		return events.APIGatewayProxyResponse{}, errors.New("boom")
	}
	malformed := func(context.Context, events.APIGatewayProxyRequest) (string, error) {
		return "not a proxy response", nil
	}
	for _, tc := range []struct {
		name    string
		gw      *lambdalocal.Gateway
		path    string
		status  int
		body    string
		cookies int
	}{
		{"in the stage", &lambdalocal.Gateway{Payload: lambdalocal.PayloadREST, Stage: "Prod", Invoke: lambdalocal.Handler(ok)}, "/Prod/x", 201, "/x", 2},
		{"stage root", &lambdalocal.Gateway{Payload: lambdalocal.PayloadREST, Stage: "Prod", Invoke: lambdalocal.Handler(ok)}, "/Prod", 201, "/", 2},
		{"outside the stage", &lambdalocal.Gateway{Payload: lambdalocal.PayloadREST, Stage: "Prod", Invoke: lambdalocal.Handler(ok)}, "/Production/x", 403, `{"message":"Forbidden"}` + "\n", 0},
		{"authorizer refuses", &lambdalocal.Gateway{
			Payload: lambdalocal.PayloadREST, Stage: "Prod", Invoke: lambdalocal.Handler(ok),
			Authorizer: func(*http.Request) (map[string]string, bool) { return nil, false },
		}, "/Prod/x", 401, `{"message":"Unauthorized"}` + "\n", 0},
		{"function error", &lambdalocal.Gateway{Payload: lambdalocal.PayloadREST, Stage: "Prod", Invoke: lambdalocal.Handler(failing)}, "/Prod/x", 502, `{"message":"Internal server error"}` + "\n", 0},
		{"malformed answer", &lambdalocal.Gateway{Payload: lambdalocal.PayloadREST, Stage: "Prod", Invoke: lambdalocal.Handler(malformed)}, "/Prod/x", 502, `{"message":"Internal server error"}` + "\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.gw)
			defer srv.Close()
			resp, err := http.Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != tc.status || string(b) != tc.body || len(resp.Header.Values("Set-Cookie")) != tc.cookies {
				t.Fatalf("%d %q cookies=%v; want %d %q %d", resp.StatusCode, b, resp.Header.Values("Set-Cookie"), tc.status, tc.body, tc.cookies)
			}
		})
	}
}

// TestRuntimeWithoutFunction: Invoke gives up when no function process
// asks for the event before the context ends.
func TestRuntimeWithoutFunction(t *testing.T) {
	rt, err := lambdalocal.NewRuntime("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rt.Close() }()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := rt.Invoke(ctx, []byte(`{}`)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Invoke without a function: %v", err)
	}
}
