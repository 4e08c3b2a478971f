package lambdaauth_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// albFront plays the ALB in front of a Lambda target: each HTTP request
// becomes an ALB target-group event (JSON), the function is invoked through
// aws-lambda-go's lambda.Handler, and its JSON response becomes the HTTP
// response. multi selects multi-value headers on the target group. Each
// invocation gets its own lambda.Handler (its Invoke reuses an output buffer,
// as one execution environment handles one event at a time); they all share
// fn and so the function's state, which is stricter than Lambda itself.
func albFront(t *testing.T, fn any, multi bool) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e := events.ALBTargetGroupRequest{
			HTTPMethod: r.Method, Path: r.URL.Path, Body: string(body),
			RequestContext: events.ALBTargetGroupRequestContext{ELB: events.ELBContext{
				TargetGroupArn: "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/lambda/0123456789abcdef",
			}},
		}
		r.Header.Set("Host", r.Host)
		if multi {
			e.MultiValueHeaders = map[string][]string{}
			for k, v := range r.Header {
				e.MultiValueHeaders[strings.ToLower(k)] = v
			}
		} else {
			// Without multi-value headers the ALB passes the last value.
			e.Headers = map[string]string{}
			for k, v := range r.Header {
				e.Headers[strings.ToLower(k)] = v[len(v)-1]
			}
		}
		payload, _ := json.Marshal(e)
		out, err := lambda.NewHandler(fn).Invoke(context.Background(), payload)
		if err != nil {
			http.Error(w, "502 Bad Gateway: "+err.Error(), http.StatusBadGateway)
			return
		}
		var resp events.ALBTargetGroupResponse
		if err := json.Unmarshal(out, &resp); err != nil {
			http.Error(w, "502 Bad Gateway: "+err.Error(), http.StatusBadGateway)
			return
		}
		if multi && resp.Headers != nil {
			t.Errorf("single-value response headers for a multi-value target group")
		}
		if !multi && resp.MultiValueHeaders != nil {
			t.Errorf("multi-value response headers for a single-value target group")
		}
		for k, v := range resp.Headers {
			w.Header().Set(k, v)
		}
		for k, vs := range resp.MultiValueHeaders {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		w.WriteHeader(resp.StatusCode)
		if resp.IsBase64Encoded {
			b, _ := base64.StdEncoding.DecodeString(resp.Body)
			_, _ = w.Write(b)
			return
		}
		_, _ = io.WriteString(w, resp.Body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
