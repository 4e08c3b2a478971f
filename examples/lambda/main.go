// Command lambda is the AWS Lambda example: a function behind an ALB target
// group with Cognito authentication, protected by lambdaauth. The same routes
// as the other examples; configure it with the COGNITO_AUTH_* environment.
package main

import (
	"context"
	"encoding/json"
	"log"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/examples/internal/demo"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth"
)

func main() {
	// Built once per execution environment: keys stay cached across invocations.
	auth, err := lambdaauth.New(lambdaauth.WithBypass("/health"))
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(auth.Protect(router(auth)))
}

func router(auth *lambdaauth.Auth) lambdaauth.Handler {
	html := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	admin := auth.RequireAuth(func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		return lambdaauth.Response(&e, http.StatusOK, html, string(demo.AdminPage("lambda", lambdaauth.User(ctx)))), nil
	}, core.AllowGroups(demo.AdminGroup))

	return func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		switch e.Path {
		case "/":
			return lambdaauth.Response(&e, http.StatusOK, html, string(demo.HomePage("lambda", lambdaauth.User(ctx)))), nil
		case "/api/me":
			b, err := json.Marshal(demo.NewMe(lambdaauth.User(ctx)))
			if err != nil {
				return events.ALBTargetGroupResponse{}, err
			}
			return lambdaauth.Response(&e, http.StatusOK, http.Header{"Content-Type": {"application/json"}}, string(b)), nil
		case "/admin":
			return admin(ctx, e)
		case "/health":
			return lambdaauth.Response(&e, http.StatusOK, http.Header{"Content-Type": {"text/plain"}}, "ok"), nil
		}
		return lambdaauth.Response(&e, http.StatusNotFound, http.Header{"Content-Type": {"text/plain"}}, "not found"), nil
	}
}
