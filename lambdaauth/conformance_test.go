package lambdaauth_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth"
)

// text answers in the header shape the target group uses.
func text(e *events.ALBTargetGroupRequest, status int, body string) events.ALBTargetGroupResponse {
	return lambdaauth.Response(e, status, http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, body)
}

// app is the conformance app as one Lambda handler routing on the path.
func app(auth *lambdaauth.Auth, c conformance.App) lambdaauth.Handler {
	admin := auth.RequireAuth(func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		c.Called(conformance.PathAdmin)
		return text(&e, http.StatusOK, "admin "+lambdaauth.User(ctx).Email), nil
	}, c.AdminRules...)
	return func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		switch e.Path {
		case conformance.PathHome:
			c.Called(conformance.PathHome)
			u, _ := auth.GetAuthUser(ctx, e)
			return text(&e, http.StatusOK, "hello "+u.Email), nil
		case conformance.PathMe:
			c.Called(conformance.PathMe)
			u, _ := auth.GetAuthUser(ctx, e)
			b, _ := json.Marshal(conformance.NewMe(ctx, u))
			return lambdaauth.Response(&e, http.StatusOK, http.Header{"Content-Type": {"application/json"}}, string(b)), nil
		case conformance.PathAdmin:
			return admin(ctx, e)
		case conformance.PathHealth, conformance.PathHealth + "/":
			c.Called(conformance.PathHealth)
			return text(&e, http.StatusOK, "ok"), nil
		case conformance.PathWhoami:
			c.Called(conformance.PathWhoami)
			u, err := auth.GetAuthUser(ctx, e)
			return text(&e, http.StatusOK, conformance.Whoami(u, err)), nil
		}
		return text(&e, http.StatusNotFound, "not found"), nil
	}
}

func driver(multi bool) conformance.Driver {
	return func(t *testing.T, c conformance.App) string {
		opts := []lambdaauth.Option{lambdaauth.WithBaseAuth(c.Auth), lambdaauth.WithBypass(c.Bypass...)}
		if c.CustomErrorHandler {
			opts = append(opts, lambdaauth.WithErrorHandler(func(_ context.Context, e events.ALBTargetGroupRequest, err error) (events.ALBTargetGroupResponse, error) {
				return text(&e, conformance.CustomStatus, conformance.CustomBody(err)), nil
			}))
		}
		auth, err := lambdaauth.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		h := auth.Protect(app(auth, c))
		if c.Planted != nil {
			inner := h
			h = func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
				return inner(cognitotest.ContextWithUser(ctx, c.Planted), e)
			}
		}
		return albFront(t, h, multi)
	}
}

func TestConformanceMultiValueHeaders(t *testing.T) { conformance.Run(t, driver(true)) }

// TestConformanceSingleValueHeaders runs the table with multi-value headers
// off. There the ALB passes only the last value of a repeated header, so the
// duplicate-header scenario sees one (valid) value: the suite's expectation
// (401) is met only because the last value is another user's data token,
// which does not match the access token.
func TestConformanceSingleValueHeaders(t *testing.T) { conformance.Run(t, driver(false)) }
