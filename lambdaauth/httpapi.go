package lambdaauth

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// HTTPAPIHandler is a Lambda handler for API Gateway HTTP API events
// (payload format 2.0).
type HTTPAPIHandler func(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// ProtectHTTPAPI wraps a whole HTTP API handler: the hosted-UI routes are
// answered here, bypass paths pass, and every other request is
// authenticated and authorised first, with the user put in the context.
func (a *Auth) ProtectHTTPAPI(h HTTPAPIHandler) HTTPAPIHandler {
	return func(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return a.serveHTTPAPI(ctx, &e, h, nil, wholeApp)
	}
}

// RequireAuthHTTPAPI wraps one route's HTTP API handler with the app policy
// plus rules, reusing the user ProtectHTTPAPI stored when there is one.
func (a *Auth) RequireAuthHTTPAPI(h HTTPAPIHandler, rules ...core.Rule) HTTPAPIHandler {
	return func(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return a.serveHTTPAPI(ctx, &e, h, rules, oneRoute)
	}
}

// GetAuthUserHTTPAPI returns the user ProtectHTTPAPI stored in ctx, or
// authenticates the event now (app policy applied).
// Called in a handler wrapped by Protect or RequireAuth, the cookies a
// session refresh sets are added to that handler's response; outside one
// they cannot be sent, so call it there.
func (a *Auth) GetAuthUserHTTPAPI(ctx context.Context, e *events.APIGatewayV2HTTPRequest) (*core.User, error) {
	return a.user(ctx, httpAPIExchange(e))
}

func (a *Auth) serveHTTPAPI(ctx context.Context, e *events.APIGatewayV2HTTPRequest, h HTTPAPIHandler, rules []core.Rule, scope guardScope) (events.APIGatewayV2HTTPResponse, error) {
	x := httpAPIExchange(e)
	ctx, stop, _ := a.guard(ctx, x, rules, scope)
	defer x.finish()
	if stop != nil {
		return httpAPIResponse(stop, x.setCookies), nil
	}
	resp, err := h(ctx, *e)
	resp.Cookies = append(resp.Cookies, x.setCookies...)
	return resp, err
}

// HTTPAPIResponse builds an HTTP API response: Set-Cookie values go in
// Cookies (each one survives), other repeated headers are joined with ", ".
func HTTPAPIResponse(status int, h http.Header, body string) events.APIGatewayV2HTTPResponse {
	return httpAPIResponse(&response{status: status, header: h, body: []byte(body)}, nil)
}

// httpAPIExchange reads an HTTP API event. Its rawPath keeps a named
// stage ("/Prod/…"), which is removed; cookies arrive in their own array
// (API Gateway moves every Cookie header there), read as one more spelling
// of Cookie should the headers also have one.
func httpAPIExchange(e *events.APIGatewayV2HTTPRequest) *exchange {
	h, ambiguous := headerFrom(nil, e.Headers, e.Cookies)
	var claims core.AuthorizerClaims
	if a := e.RequestContext.Authorizer; a != nil && a.JWT != nil && len(a.JWT.Claims) > 0 {
		claims = core.AuthorizerClaims(maps.Clone(a.JWT.Claims))
	}
	path, escaped := HTTPAPIPath(e), ""
	if e.RawPath != "" {
		escaped = stripStage(e.RawPath, e.RequestContext.Stage)
	}
	return &exchange{
		method: e.RequestContext.HTTP.Method, path: path, escapedPath: escaped, rawQuery: e.RawQueryString,
		header: h, ambiguous: ambiguous, body: e.Body, base64Body: e.IsBase64Encoded, claims: claims,
	}
}

// HTTPAPIPath is an HTTP API event's path as the app sees it — decoded and
// without a named stage ("/Prod/a%20b" on stage Prod is "/a b") — the same
// path a REST API event carries. Route a ProtectHTTPAPI handler on it.
func HTTPAPIPath(e *events.APIGatewayV2HTTPRequest) string {
	p := e.RawPath
	if p == "" {
		return stripStage(e.RequestContext.HTTP.Path, e.RequestContext.Stage)
	}
	if d, err := url.PathUnescape(p); err == nil {
		p = d
	}
	return stripStage(p, e.RequestContext.Stage)
}

// httpAPIResponse shapes r as an HTTP API response.
func httpAPIResponse(r *response, cookies []string) events.APIGatewayV2HTTPResponse {
	body, b64 := encodeBody(r.header, r.body)
	out := events.APIGatewayV2HTTPResponse{
		StatusCode: r.status, Body: body, IsBase64Encoded: b64,
		Headers: make(map[string]string, len(r.header)),
	}
	for k, v := range r.header {
		if http.CanonicalHeaderKey(k) == "Set-Cookie" {
			out.Cookies = append(out.Cookies, v...)
			continue
		}
		out.Headers[k] = strings.Join(v, ", ")
	}
	out.Cookies = append(out.Cookies, cookies...)
	return out
}
