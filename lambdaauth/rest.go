package lambdaauth

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// RESTHandler is a Lambda handler for API Gateway REST API proxy events
// (payload format 1.0).
type RESTHandler func(ctx context.Context, e events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)

// ProtectREST wraps a whole REST API handler: the hosted-UI routes are
// answered here, bypass paths pass, and every other request is
// authenticated and authorised first, with the user put in the context.
func (a *Auth) ProtectREST(h RESTHandler) RESTHandler {
	return func(ctx context.Context, e events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		return a.serveREST(ctx, &e, h, nil, wholeApp)
	}
}

// RequireAuthREST wraps one route's REST API handler with the app policy
// plus rules, reusing the user ProtectREST stored when there is one.
func (a *Auth) RequireAuthREST(h RESTHandler, rules ...core.Rule) RESTHandler {
	return func(ctx context.Context, e events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		return a.serveREST(ctx, &e, h, rules, oneRoute)
	}
}

// GetAuthUserREST returns the user ProtectREST stored in ctx, or
// authenticates the event now (app policy applied).
// Called in a handler wrapped by Protect or RequireAuth, the cookies a
// session refresh sets are added to that handler's response; outside one
// they cannot be sent, so call it there.
func (a *Auth) GetAuthUserREST(ctx context.Context, e *events.APIGatewayProxyRequest) (*core.User, error) {
	return a.user(ctx, restExchange(e))
}

func (a *Auth) serveREST(ctx context.Context, e *events.APIGatewayProxyRequest, h RESTHandler, rules []core.Rule, scope guardScope) (events.APIGatewayProxyResponse, error) {
	x := restExchange(e)
	ctx, stop, _ := a.guard(ctx, x, rules, scope)
	defer x.finish()
	if stop != nil {
		return restResponse(stop, x.setCookies), nil
	}
	resp, err := h(ctx, *e)
	return withRESTCookies(resp, x.setCookies), err
}

// RESTResponse builds a REST API proxy response. Headers go in
// MultiValueHeaders, so several Set-Cookie values all reach the browser.
func RESTResponse(status int, h http.Header, body string) events.APIGatewayProxyResponse {
	return restResponse(&response{status: status, header: h, body: []byte(body)}, nil)
}

// restExchange reads a REST API event. Its path has no stage (the stage is
// in requestContext.path); its query parameters are already decoded.
func restExchange(e *events.APIGatewayProxyRequest) *exchange {
	h, ambiguous := headerFrom(e.MultiValueHeaders, e.Headers, nil)
	return &exchange{
		method: e.HTTPMethod, path: e.Path,
		rawQuery: rawQueryFrom(e.MultiValueQueryStringParameters, e.QueryStringParameters),
		header:   h, ambiguous: ambiguous, body: e.Body, base64Body: e.IsBase64Encoded,
		claims: restClaims(e.RequestContext.Authorizer),
	}
}

// restClaims reads the claims of the REST API's Cognito user-pool
// authorizer (requestContext.authorizer.claims), every value as a string.
func restClaims(authorizer map[string]any) core.AuthorizerClaims {
	raw, _ := authorizer["claims"].(map[string]any)
	if len(raw) == 0 {
		return nil
	}
	c := make(core.AuthorizerClaims, len(raw))
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			c[k] = v
		case bool:
			c[k] = strconv.FormatBool(v)
		case float64:
			c[k] = strconv.FormatFloat(v, 'f', -1, 64)
		case []any:
			parts := make([]string, 0, len(v))
			for _, p := range v {
				if s, ok := p.(string); ok {
					parts = append(parts, s)
				}
			}
			c[k] = "[" + strings.Join(parts, " ") + "]"
		}
	}
	return c
}

// restResponse shapes r as a REST API proxy response.
func restResponse(r *response, cookies []string) events.APIGatewayProxyResponse {
	body, b64 := encodeBody(r.header, r.body)
	out := events.APIGatewayProxyResponse{
		StatusCode: r.status, Body: body, IsBase64Encoded: b64,
		MultiValueHeaders: make(map[string][]string, len(r.header)),
	}
	for k, v := range r.header {
		out.MultiValueHeaders[k] = append([]string(nil), v...)
	}
	return withRESTCookies(out, cookies)
}

// withRESTCookies adds cookies a source set (a refreshed session) to a
// REST API response.
func withRESTCookies(out events.APIGatewayProxyResponse, cookies []string) events.APIGatewayProxyResponse {
	if len(cookies) == 0 {
		return out
	}
	if out.MultiValueHeaders == nil {
		out.MultiValueHeaders = map[string][]string{}
	}
	// API Gateway drops a single-value header that multiValueHeaders also
	// names: move the handler's own Set-Cookie values there first.
	key := "Set-Cookie"
	for k := range out.MultiValueHeaders {
		if strings.EqualFold(k, key) {
			key = k
		}
	}
	for k, v := range out.Headers {
		if strings.EqualFold(k, "Set-Cookie") {
			out.MultiValueHeaders[key] = append(out.MultiValueHeaders[key], v)
			delete(out.Headers, k)
		}
	}
	out.MultiValueHeaders[key] = append(out.MultiValueHeaders[key], cookies...)
	return out
}
