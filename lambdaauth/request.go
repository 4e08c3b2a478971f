package lambdaauth

import (
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// Request adapts an ALB target-group event to core.Request.
func Request(e *events.ALBTargetGroupRequest) core.Request { return request{e} }

type request struct{ e *events.ALBTargetGroupRequest }

// HeaderValues looks the name up lower-cased (as the ALB sends it), falling
// back to a case-insensitive scan for hand-built events.
func (r request) HeaderValues(name string) []string {
	lower := strings.ToLower(name)
	if r.e.MultiValueHeaders != nil {
		if v, ok := r.e.MultiValueHeaders[lower]; ok {
			return v
		}
		var out []string
		for k, v := range r.e.MultiValueHeaders {
			if strings.EqualFold(k, name) {
				out = append(out, v...)
			}
		}
		return out
	}
	if v, ok := r.e.Headers[lower]; ok {
		return []string{v}
	}
	var out []string
	for k, v := range r.e.Headers {
		if strings.EqualFold(k, name) {
			out = append(out, v)
		}
	}
	return out
}

func (r request) Cookie(name string) (string, bool) {
	for _, line := range r.HeaderValues("Cookie") {
		cookies, err := http.ParseCookie(line)
		if err != nil {
			continue
		}
		for _, c := range cookies {
			if c.Name == name {
				return c.Value, true
			}
		}
	}
	return "", false
}

func (r request) Path() string { return r.e.Path }

// multiValue reports whether the target group uses multi-value headers.
func multiValue(e *events.ALBTargetGroupRequest) bool { return e.MultiValueHeaders != nil }
