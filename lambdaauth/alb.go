package lambdaauth

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// Handler is an ALB target-group Lambda handler.
type Handler func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error)

// ErrorHandler answers a refused ALB event.
type ErrorHandler func(ctx context.Context, e events.ALBTargetGroupRequest, err error) (events.ALBTargetGroupResponse, error)

// Protect wraps a whole ALB handler: every request except bypass paths (and
// the hosted-UI routes, answered here) is authenticated and authorised
// first, and the user is put in the context.
func (a *Auth) Protect(h Handler) Handler {
	return func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		return a.serveALB(ctx, &e, h, nil, wholeApp)
	}
}

// RequireAuth wraps one route's ALB handler with the app policy plus rules,
// reusing the user Protect stored when there is one.
func (a *Auth) RequireAuth(h Handler, rules ...core.Rule) Handler {
	return func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		return a.serveALB(ctx, &e, h, rules, oneRoute)
	}
}

func (a *Auth) serveALB(ctx context.Context, e *events.ALBTargetGroupRequest, h Handler, rules []core.Rule, scope guardScope) (events.ALBTargetGroupResponse, error) {
	x := albExchange(e)
	ctx, stop, refusal := a.guard(ctx, x, rules, scope)
	defer x.finish()
	if refusal != nil && a.onError != nil {
		return a.onError(ctx, *e, refusal)
	}
	if stop != nil {
		return albResponse(e, stop, x.setCookies), nil
	}
	resp, err := h(ctx, *e)
	return withALBCookies(e, resp, x.setCookies), err
}

// GetAuthUser returns the user Protect stored in ctx, or authenticates the
// event now (app policy applied). Errors match core's sentinels.
// Called in a handler wrapped by Protect or RequireAuth, the cookies a
// session refresh sets are added to that handler's response; outside one
// they cannot be sent, so call it there.
func (a *Auth) GetAuthUser(ctx context.Context, e events.ALBTargetGroupRequest) (*core.User, error) {
	return a.user(ctx, albExchange(&e))
}

// FailureResponse is core's decision for a refused event as an ALB
// response, with multi-value headers when the request used them.
func (a *Auth) FailureResponse(e *events.ALBTargetGroupRequest, err error) events.ALBTargetGroupResponse {
	x := albExchange(e)
	return albResponse(e, a.failure(x, err), nil)
}

// Request adapts an ALB target-group event to core.Request.
func Request(e *events.ALBTargetGroupRequest) core.Request { return albExchange(e) }

// albExchange reads an ALB event. The ALB passes query parameters as they
// were sent (still URL-encoded), unlike API Gateway.
func albExchange(e *events.ALBTargetGroupRequest) *exchange {
	var q []string
	if e.MultiValueQueryStringParameters != nil {
		for k, vs := range e.MultiValueQueryStringParameters {
			for _, v := range vs {
				q = append(q, k+"="+v)
			}
		}
	} else {
		for k, v := range e.QueryStringParameters {
			q = append(q, k+"="+v)
		}
	}
	raw := strings.Join(q, "&")
	parsed, err := url.ParseQuery(raw)
	if err != nil {
		raw, parsed = "", url.Values{}
	}
	h, ambiguous := headerFrom(e.MultiValueHeaders, e.Headers, nil)
	return &exchange{
		method: e.HTTPMethod, path: e.Path, rawQuery: raw, query: parsed,
		header: h, ambiguous: ambiguous, body: e.Body, base64Body: e.IsBase64Encoded,
	}
}

// Response builds an ALB response in the header shape the request used.
func Response(e *events.ALBTargetGroupRequest, status int, h http.Header, body string) events.ALBTargetGroupResponse {
	return albResponse(e, &response{status: status, header: h, body: []byte(body)}, nil)
}

// albResponse shapes r for the ALB: multi-value headers when the request
// used them (every Set-Cookie survives), else the last value of each.
func albResponse(e *events.ALBTargetGroupRequest, r *response, cookies []string) events.ALBTargetGroupResponse {
	body, b64 := encodeBody(r.header, r.body)
	out := events.ALBTargetGroupResponse{
		StatusCode:        r.status,
		StatusDescription: strconv.Itoa(r.status) + " " + http.StatusText(r.status),
		Body:              body,
		IsBase64Encoded:   b64,
	}
	if e.MultiValueHeaders != nil {
		out.MultiValueHeaders = map[string][]string{}
		for k, v := range r.header {
			out.MultiValueHeaders[k] = append([]string(nil), v...)
		}
		return withALBCookies(e, out, cookies)
	}
	out.Headers = map[string]string{}
	for k, v := range r.header {
		if len(v) > 0 {
			out.Headers[k] = v[len(v)-1]
		}
	}
	return withALBCookies(e, out, cookies)
}

// withALBCookies adds cookies a source set (a refreshed session) to the
// handler's response. Without multi-value headers only the last survives.
func withALBCookies(e *events.ALBTargetGroupRequest, out events.ALBTargetGroupResponse, cookies []string) events.ALBTargetGroupResponse {
	if len(cookies) == 0 {
		return out
	}
	if e.MultiValueHeaders != nil {
		if out.MultiValueHeaders == nil {
			out.MultiValueHeaders = map[string][]string{}
		}
		out.MultiValueHeaders["Set-Cookie"] = append(out.MultiValueHeaders["Set-Cookie"], cookies...)
		return out
	}
	if out.Headers == nil {
		out.Headers = map[string]string{}
	}
	out.Headers["Set-Cookie"] = cookies[len(cookies)-1]
	return out
}
