// Command app: an AWS Lambda function behind an ALB target group with
// Cognito login, protected by lambdaauth. Configure it with the
// COGNITO_AUTH_* environment of the function.
package main

import (
	"context"
	"log"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth"
)

func main() {
	auth, err := lambdaauth.New(lambdaauth.WithBypass("/health")) // once per execution environment
	if err != nil {
		log.Fatal(err) // every configuration problem at once
	}
	text := http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
	admin := auth.RequireAuth(func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		return lambdaauth.Response(&e, http.StatusOK, text, "hello admin "+lambdaauth.User(ctx).Email), nil
	}, core.AllowGroups("admins")) // a per-route rule

	lambda.Start(auth.Protect(func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) { // the whole function
		switch e.Path {
		case "/admin":
			return admin(ctx, e)
		case "/health": // bypassed: no login
			return lambdaauth.Response(&e, http.StatusOK, text, "ok"), nil
		}
		return lambdaauth.Response(&e, http.StatusOK, text, "hello "+lambdaauth.User(ctx).Email), nil
	}))
}
