package lambdalocal

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// Payload formats of API Gateway's Lambda proxy integration.
const (
	PayloadREST    = "1.0" // REST API (events.APIGatewayProxyRequest)
	PayloadHTTPAPI = "2.0" // HTTP API (events.APIGatewayV2HTTPRequest)
)

// InvokeFunc invokes a function with one event and returns its answer.
// Runtime.Invoke is one; Handler makes one of an in-process handler.
type InvokeFunc func(ctx context.Context, payload []byte) ([]byte, error)

// Handler invokes an in-process handler (any signature lambda.Start
// accepts) through aws-lambda-go's own invocation code.
func Handler(h any) InvokeFunc {
	return func(ctx context.Context, payload []byte) ([]byte, error) {
		// A lambda.Handler reuses its output buffer: one per invocation.
		return lambda.NewHandler(h).Invoke(ctx, payload)
	}
}

// AuthorizerFunc plays the route's authorizer: it returns the claims of the
// request's verified token, or ok false to refuse the request with 401 as
// API Gateway does (the function is never invoked).
type AuthorizerFunc func(r *http.Request) (claims map[string]string, ok bool)

// Gateway is an API Gateway stand-in: an http.Handler that serves Stage
// ("/Prod/…"; empty for an HTTP API's $default stage) by invoking Invoke
// with events of format Payload.
type Gateway struct {
	// Payload is PayloadREST or PayloadHTTPAPI.
	Payload string
	// Stage is the stage name, the first path segment of every URL.
	Stage string
	// Invoke runs the function.
	Invoke InvokeFunc
	// Authorizer, when set, guards every route.
	Authorizer AuthorizerFunc
	// Timeout bounds one invocation (default 29 s, API Gateway's).
	Timeout time.Duration

	seq atomic.Int64
}

// maxBody is API Gateway's request payload limit.
const maxBody = 10 << 20

// ServeHTTP turns r into an event, invokes the function and writes its
// answer.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path, ok := g.stagePath(r.URL.Path)
	if !ok {
		writeMessage(w, http.StatusForbidden, "Forbidden")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		writeMessage(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		return
	}
	var claims map[string]string
	if g.Authorizer != nil {
		if claims, ok = g.Authorizer(r); !ok {
			writeMessage(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
	}
	var payload []byte
	if g.Payload == PayloadHTTPAPI {
		payload, err = json.Marshal(g.httpAPIEvent(r, body, claims))
	} else {
		payload, err = json.Marshal(g.restEvent(r, path, body, claims))
	}
	if err != nil {
		writeMessage(w, http.StatusInternalServerError, "Internal server error")
		return
	}
	timeout := g.Timeout
	if timeout == 0 {
		timeout = 29 * time.Second
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	out, err := g.Invoke(ctx, payload)
	if err != nil {
		writeMessage(w, http.StatusBadGateway, "Internal server error")
		return
	}
	if g.Payload == PayloadHTTPAPI {
		writeHTTPAPI(w, out)
		return
	}
	writeREST(w, out)
}

// stagePath checks the stage prefix and returns the path below it.
func (g *Gateway) stagePath(p string) (string, bool) {
	if g.Stage == "" {
		return p, true
	}
	prefix := "/" + g.Stage
	switch {
	case p == prefix:
		return "/", true
	case strings.HasPrefix(p, prefix+"/"):
		return p[len(prefix):], true
	}
	return "", false
}

func (g *Gateway) requestID() string { return fmt.Sprintf("local-%08d", g.seq.Add(1)) }

// encodeBody is the request body as API Gateway passes it: text as is,
// anything else base64-encoded.
func encodeBody(contentType string, body []byte) (string, bool) {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "" || strings.HasPrefix(mt, "text/") || strings.HasSuffix(mt, "json") || mt == "application/x-www-form-urlencoded" {
		return string(body), false
	}
	return base64.StdEncoding.EncodeToString(body), true
}

func sourceIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// restEvent builds a REST API proxy event (resource /{proxy+}).
func (g *Gateway) restEvent(r *http.Request, path string, body []byte, claims map[string]string) events.APIGatewayProxyRequest {
	e := events.APIGatewayProxyRequest{
		Resource: "/{proxy+}", Path: path, HTTPMethod: r.Method,
		Headers: map[string]string{}, MultiValueHeaders: map[string][]string{},
		QueryStringParameters: map[string]string{}, MultiValueQueryStringParameters: map[string][]string{},
		PathParameters: map[string]string{"proxy": strings.TrimPrefix(path, "/")},
		RequestContext: events.APIGatewayProxyRequestContext{
			AccountID: "123456789012", ResourceID: "local", Stage: g.Stage, RequestID: g.requestID(),
			ResourcePath: "/{proxy+}", HTTPMethod: r.Method, APIID: "local", Path: r.URL.Path,
			Identity: events.APIGatewayRequestIdentity{SourceIP: sourceIP(r), UserAgent: r.UserAgent()},
		},
	}
	hdr := r.Header.Clone()
	hdr.Set("Host", r.Host)
	for k, v := range hdr {
		e.MultiValueHeaders[k] = v
		e.Headers[k] = v[len(v)-1]
	}
	for k, v := range r.URL.Query() {
		e.MultiValueQueryStringParameters[k] = v
		e.QueryStringParameters[k] = v[len(v)-1]
	}
	e.Body, e.IsBase64Encoded = encodeBody(r.Header.Get("Content-Type"), body)
	if claims != nil {
		c := make(map[string]any, len(claims))
		for k, v := range claims {
			c[k] = v
		}
		e.RequestContext.Authorizer = map[string]any{"claims": c}
	}
	return e
}

// httpAPIEvent builds an HTTP API event (route $default): header names
// lower-cased with repeated values joined by commas, cookies in their own
// array, the stage kept in rawPath.
func (g *Gateway) httpAPIEvent(r *http.Request, body []byte, claims map[string]string) events.APIGatewayV2HTTPRequest {
	stage := g.Stage
	if stage == "" {
		stage = "$default"
	}
	e := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: r.URL.EscapedPath(), RawQueryString: r.URL.RawQuery,
		Headers: map[string]string{"host": r.Host}, QueryStringParameters: map[string]string{},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: "$default", AccountID: "123456789012", Stage: stage, RequestID: g.requestID(), APIID: "local",
			DomainName: r.Host, TimeEpoch: time.Now().UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: r.Method, Path: r.URL.Path, Protocol: r.Proto, SourceIP: sourceIP(r), UserAgent: r.UserAgent(),
			},
		},
	}
	for k, v := range r.Header {
		if strings.EqualFold(k, "Cookie") {
			for _, line := range v {
				for c := range strings.SplitSeq(line, ";") {
					if c = strings.TrimSpace(c); c != "" {
						e.Cookies = append(e.Cookies, c)
					}
				}
			}
			continue
		}
		e.Headers[strings.ToLower(k)] = strings.Join(v, ",")
	}
	for k, v := range r.URL.Query() {
		e.QueryStringParameters[k] = strings.Join(v, ",")
	}
	e.Body, e.IsBase64Encoded = encodeBody(r.Header.Get("Content-Type"), body)
	if claims != nil {
		e.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
		}
	}
	return e
}

func writeMessage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

// payloadBody is a response body as a function returns it.
type payloadBody struct {
	text   string
	base64 bool // text is base64-encoded bytes
}

// bytes decodes the body; ok is false for bad base64.
func (p payloadBody) bytes() ([]byte, bool) {
	if !p.base64 {
		return []byte(p.text), true
	}
	b, err := base64.StdEncoding.DecodeString(p.text)
	return b, err == nil
}

// writeREST writes a REST API proxy response; anything else is a 502, as
// API Gateway answers a malformed Lambda proxy response.
func writeREST(w http.ResponseWriter, out []byte) {
	var resp events.APIGatewayProxyResponse
	dec := json.NewDecoder(bytes.NewReader(out))
	if err := dec.Decode(&resp); err != nil || resp.StatusCode < 100 || resp.StatusCode > 599 {
		writeMessage(w, http.StatusBadGateway, "Internal server error")
		return
	}
	body, ok := payloadBody{resp.Body, resp.IsBase64Encoded}.bytes()
	if !ok {
		writeMessage(w, http.StatusBadGateway, "Internal server error")
		return
	}
	for k, v := range resp.Headers {
		if _, multi := resp.MultiValueHeaders[k]; !multi {
			w.Header().Set(k, v)
		}
	}
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
}

// writeHTTPAPI writes an HTTP API response: the proxy format, or (as API
// Gateway infers for payload 2.0) any other JSON as a 200 JSON body.
func writeHTTPAPI(w http.ResponseWriter, out []byte) {
	var resp events.APIGatewayV2HTTPResponse
	var probe map[string]json.RawMessage
	if json.Unmarshal(out, &probe) != nil || probe["statusCode"] == nil {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(out)
		return
	}
	if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode < 100 || resp.StatusCode > 599 {
		writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	body, ok := payloadBody{resp.Body, resp.IsBase64Encoded}.bytes()
	if !ok {
		writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	for _, c := range resp.Cookies {
		w.Header().Add("Set-Cookie", c)
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
}
