package core

import (
	"context"
	"net/http"
)

// SessionSource authenticates requests from an app-managed login session:
// the hosted-UI flow of core/hostedui, for apps without an ALB.
type SessionSource interface {
	// AuthenticateSession returns the session's user, or an error matching
	// ErrMissingToken when the request carries no session.
	AuthenticateSession(ctx context.Context, req Request) (*User, error)
	// LoginURL is where a browser without a session is sent; after login it
	// returns to returnPath (a same-origin path).
	LoginURL(returnPath string) string
	// OwnsPath reports whether path is one of the source's own routes
	// (login, callback, logout), which app-wide protection must let through.
	OwnsPath(path string) bool
}

// UseSessions makes Authenticate fall back to s for requests without ALB
// headers or a bearer token, and sends browsers without a session to its
// login URL. Call it once, before serving (hostedui.New does).
func (a *BaseAuth) UseSessions(s SessionSource) { a.sessions.Store(&sessionHolder{s}) }

type sessionHolder struct{ SessionSource }

func (a *BaseAuth) sessionSource() SessionSource {
	if h := a.sessions.Load(); h != nil {
		return h.SessionSource
	}
	return nil
}

// SessionRoute reports whether path is a route of the session source (the
// hosted-UI login, callback or logout), which protection must let through.
func (a *BaseAuth) SessionRoute(path string) bool {
	s := a.sessionSource()
	return s != nil && s.OwnsPath(path)
}

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
