package core

import (
	"net/http"
)

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
