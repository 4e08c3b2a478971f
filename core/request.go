package core

import (
	"net/http"

	"github.com/cognitoauth/cognito-auth-go/core/internal/web"
)

// Header names the ALB adds after Cognito authentication, in canonical form.
const (
	HeaderData        = "X-Amzn-Oidc-Data"
	HeaderAccessToken = "X-Amzn-Oidc-Accesstoken" //nolint:gosec // G101: a header name, not a credential
	HeaderIdentity    = "X-Amzn-Oidc-Identity"
)

// Request is what core needs from an incoming request. Adapters implement it
// over their framework's request type.
type Request interface {
	// HeaderValues returns every value of the named header (matched
	// case-insensitively), so duplicates are visible. The name is given in
	// canonical MIME form.
	HeaderValues(name string) []string
	// Cookie returns the named cookie's value.
	Cookie(name string) (string, bool)
	// Path returns the request's URL path.
	Path() string
}

// HTTPRequest adapts a *http.Request to Request.
func HTTPRequest(r *http.Request) Request { return httpRequest{r} }

type httpRequest struct{ r *http.Request }

// HeaderValues looks the canonical name up directly (net/http stores
// canonical keys), saving Header.Values' canonicalisation of a long name
// on every request; a name not found that way goes through Values, so a
// caller's non-canonical name still matches.
func (h httpRequest) HeaderValues(name string) []string {
	if v, ok := h.r.Header[name]; ok {
		return v
	}
	return h.r.Header.Values(name)
}

func (h httpRequest) Cookie(name string) (string, bool) {
	c, err := h.r.Cookie(name)
	if err != nil {
		return "", false
	}
	return c.Value, true
}

func (h httpRequest) Path() string { return h.r.URL.Path }

// Host returns the request's host, which net/http keeps out of the headers.
func (h httpRequest) Host() string { return h.r.Host }

// RequestURI returns the path and query, for post-login return addresses.
func (h httpRequest) RequestURI() string { return h.r.URL.RequestURI() }

// returnPath is where a browser goes back to after signing in: the path and
// query when the request can tell them (a RequestURI method), else the path.
func returnPath(req Request) string {
	if u, ok := req.(interface{ RequestURI() string }); ok {
		return u.RequestURI()
	}
	return req.Path()
}

// wantsHTML reports whether req prefers an HTML page (a browser) over JSON
// (an API client).
func wantsHTML(req Request) bool { return web.WantsHTML(req.HeaderValues("Accept")) }

// CookieWriter is implemented by requests that can set cookies on the
// response (the adapters' requests, HTTPExchange); session refreshes and
// idle-expiry updates use it.
type CookieWriter interface {
	SetCookie(c *http.Cookie)
}

// HTTPExchange adapts a net/http request and its response writer to
// Request and CookieWriter.
func HTTPExchange(w http.ResponseWriter, r *http.Request) Request {
	return httpExchange{httpRequest{r}, w}
}

type httpExchange struct {
	httpRequest
	w http.ResponseWriter
}

func (h httpExchange) SetCookie(c *http.Cookie) { http.SetCookie(h.w, c) }
