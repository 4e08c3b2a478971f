package lambdaauth_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth"
)

func TestRequestHeaderShapes(t *testing.T) {
	single := &events.ALBTargetGroupRequest{Path: "/x", Headers: map[string]string{
		"x-amzn-oidc-data": "a", "cookie": "s=1; other=2", "X-Custom": "c",
	}}
	multi := &events.ALBTargetGroupRequest{Path: "/x", MultiValueHeaders: map[string][]string{
		"x-amzn-oidc-data": {"a", "b"}, "cookie": {"s=1", "other=2"}, "X-Custom": {"c"},
	}}
	if got := lambdaauth.Request(single).HeaderValues(core.HeaderData); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("single: %v", got)
	}
	if got := lambdaauth.Request(multi).HeaderValues(core.HeaderData); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("multi: duplicates must stay visible, got %v", got)
	}
	for _, e := range []*events.ALBTargetGroupRequest{single, multi} {
		r := lambdaauth.Request(e)
		if got := r.HeaderValues("x-custom"); !slices.Equal(got, []string{"c"}) {
			t.Fatalf("case-insensitive fallback: %v", got)
		}
		if v, ok := r.Cookie("other"); !ok || v != "2" {
			t.Fatalf("cookie: %q %v", v, ok)
		}
		if _, ok := r.Cookie("missing"); ok {
			t.Fatal("missing cookie found")
		}
		if r.Path() != "/x" {
			t.Fatal("path")
		}
	}
}

func TestResponseShapes(t *testing.T) {
	h := http.Header{"Set-Cookie": {"a=1", "b=2"}, "Content-Type": {"text/plain"}}
	s := lambdaauth.Response(&events.ALBTargetGroupRequest{Headers: map[string]string{}}, 403, h, "no")
	if s.MultiValueHeaders != nil || s.Headers["Content-Type"] != "text/plain" || s.StatusDescription != "403 Forbidden" {
		t.Fatalf("single: %+v", s)
	}
	m := lambdaauth.Response(&events.ALBTargetGroupRequest{MultiValueHeaders: map[string][]string{}}, 200, h, "ok")
	if m.Headers != nil || len(m.MultiValueHeaders["Set-Cookie"]) != 2 {
		t.Fatalf("multi: %+v", m)
	}
}
