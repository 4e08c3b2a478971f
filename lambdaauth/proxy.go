package lambdaauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// ProxyREST serves API Gateway REST API events (payload 1.0) with an
// http.Handler — a gin, echo, chi or net/http app protected by its own
// adapter. The request path has no stage (mount routes at "/", and set
// COGNITO_AUTH_APP_URL to the stage URL, e.g. https://ID.execute-api.REGION.amazonaws.com/Prod);
// every Set-Cookie survives (multiValueHeaders); the authorizer's claims
// are in the request's context for core's authorizer source.
func ProxyREST(h http.Handler) RESTHandler {
	return func(ctx context.Context, e events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		x := restExchange(&e)
		return restResponse(serveHTTP(ctx, h, x, x.header.Get("Host"), e.RequestContext.Identity.SourceIP), nil), nil
	}
}

// ProxyHTTPAPI serves API Gateway HTTP API events (payload 2.0) with an
// http.Handler. The stage is removed from the path; Set-Cookie values go in
// the response's cookies; the JWT authorizer's claims are in the request's
// context for core's authorizer source.
func ProxyHTTPAPI(h http.Handler) HTTPAPIHandler {
	return func(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		x := httpAPIExchange(&e)
		return httpAPIResponse(serveHTTP(ctx, h, x, e.RequestContext.DomainName, e.RequestContext.HTTP.SourceIP), nil), nil
	}
}

// ProxyALB serves ALB target-group events with an http.Handler.
func ProxyALB(h http.Handler) Handler {
	return func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		x := albExchange(&e)
		return albResponse(&e, serveHTTP(ctx, h, x, x.header.Get("Host"), ""), nil), nil
	}
}

// Proxy serves any of the three event shapes with an http.Handler, telling
// them apart by their JSON: payload 2.0 says "version":"2.0", an ALB event
// has requestContext.elb, anything else is a REST API event. Use it with
// lambda.Start when one function sits behind more than one trigger.
func Proxy(h http.Handler) func(ctx context.Context, event json.RawMessage) (any, error) {
	rest, httpAPI, alb := ProxyREST(h), ProxyHTTPAPI(h), ProxyALB(h)
	return func(ctx context.Context, event json.RawMessage) (any, error) {
		var probe struct {
			Version        string `json:"version"`
			RequestContext struct {
				ELB json.RawMessage `json:"elb"`
			} `json:"requestContext"`
		}
		if err := json.Unmarshal(event, &probe); err != nil {
			return nil, errors.New("lambdaauth: the event is not a JSON object")
		}
		switch {
		case probe.Version == "2.0":
			var e events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(event, &e); err != nil {
				return nil, errors.New("lambdaauth: not an HTTP API event")
			}
			return httpAPI(ctx, e)
		case len(probe.RequestContext.ELB) > 0:
			var e events.ALBTargetGroupRequest
			if err := json.Unmarshal(event, &e); err != nil {
				return nil, errors.New("lambdaauth: not an ALB event")
			}
			return alb(ctx, e)
		}
		var e events.APIGatewayProxyRequest
		if err := json.Unmarshal(event, &e); err != nil {
			return nil, errors.New("lambdaauth: not a REST API event")
		}
		return rest(ctx, e)
	}
}

// proxyRequest builds the *http.Request an http.Handler serves.
func proxyRequest(ctx context.Context, x *exchange, host, sourceIP string) (*http.Request, error) {
	u := &url.URL{Path: x.path, RawQuery: x.rawQuery}
	if x.escapedPath != "" && u.EscapedPath() != x.escapedPath {
		if p, err := url.PathUnescape(x.escapedPath); err == nil && p == x.path {
			u.RawPath = x.escapedPath // keep "%2F" and friends as sent
		}
	}
	if host == "" {
		host = "localhost"
	}
	ctx = core.ContextWithAuthorizerClaims(ctx, x.claims)
	body := x.bodyBytes()
	r, err := http.NewRequestWithContext(ctx, x.method, u.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header, r.Host, r.RequestURI = x.header, host, u.RequestURI()
	r.ContentLength = int64(len(body))
	if sourceIP != "" {
		r.RemoteAddr = sourceIP + ":0"
	}
	return r, nil
}

// serveHTTP runs h on the request x describes and captures its response
// (400 when x cannot be a request; 401, without running h, when its headers
// are ambiguous, as the Protect handlers answer).
func serveHTTP(ctx context.Context, h http.Handler, x *exchange, host, sourceIP string) *response {
	if x.ambiguous != nil {
		return fromCore(core.Refusal(x, x.ambiguous))
	}
	r, err := proxyRequest(ctx, x, host, sourceIP)
	if err != nil {
		return &response{status: http.StatusBadRequest, header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, body: []byte("bad request\n")}
	}
	w := &responseWriter{header: http.Header{}}
	h.ServeHTTP(w, r)
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.body.Len() > 0 && w.header.Get("Content-Type") == "" {
		w.header.Set("Content-Type", http.DetectContentType(w.body.Bytes()))
	}
	return &response{status: w.status, header: w.header, body: w.body.Bytes()}
}

// responseWriter collects a response in memory (Lambda answers with one
// whole response).
type responseWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}
