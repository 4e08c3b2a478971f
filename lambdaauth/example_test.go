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
