// Command app: a function behind an API Gateway REST API (stage Prod) that
// logs users in with the Cognito hosted UI, protected by lambdaauth.
// Environment: COGNITO_AUTH_USER_POOL_ID, COGNITO_AUTH_CLIENT_ID,
// COGNITO_AUTH_DOMAIN, COGNITO_AUTH_CLIENT_SECRET, COGNITO_AUTH_SESSION_SECRET
// and COGNITO_AUTH_APP_URL=https://ID.execute-api.REGION.amazonaws.com/Prod.
package main

import (
	"context"
	"log"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth"
)

func main() {
	// Once per execution environment: keys and sessions stay cached.
	v, err := core.NewVerifier()
	if err != nil {
		log.Fatal(err)
	}
	ui, err := hostedui.New(v)
	if err != nil {
		log.Fatal(err)
	}
	auth, err := lambdaauth.New(lambdaauth.WithHostedUI(ui), lambdaauth.WithBypass("/health"))
	if err != nil {
		log.Fatal(err)
	}
	text := http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
	admin := auth.RequireAuthREST(func(ctx context.Context, _ events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		return lambdaauth.RESTResponse(http.StatusOK, text, "hello admin "+lambdaauth.User(ctx).Email), nil
	}, core.AllowGroups("admins"))

	// For an HTTP API (payload 2.0): ProtectHTTPAPI, RequireAuthHTTPAPI, HTTPAPIResponse.
	lambda.Start(auth.ProtectREST(func(ctx context.Context, e events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		switch e.Path { // without the stage
		case "/admin":
			return admin(ctx, e)
		case "/health":
			return lambdaauth.RESTResponse(http.StatusOK, text, "ok"), nil
		}
		return lambdaauth.RESTResponse(http.StatusOK, text, "hello "+lambdaauth.User(ctx).Email), nil
	}))
}
