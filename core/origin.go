package core

import (
	"net/url"
	"slices"
	"strings"
)

// A WebSocket upgrade carries the browser's cookies to any site that opens
// it, so a page elsewhere could hold a connection as the signed-in user
// (cross-site WebSocket hijacking). Upgrade requests must therefore come
// from an allowed origin: one of COGNITO_AUTH_ALLOWED_ORIGINS
// (WithAllowedOrigins), or without that list the app's own host.

// isUpgrade reports a WebSocket upgrade request.
func isUpgrade(req Request) bool {
	for _, v := range req.HeaderValues("Upgrade") {
		if strings.EqualFold(strings.TrimSpace(v), "websocket") {
			return true
		}
	}
	return false
}

// hostOf returns the request's host (and port): from the Request when it
// can tell (net/http keeps it out of the headers), else its Host header.
func hostOf(req Request) string {
	if h, ok := req.(interface{ Host() string }); ok {
		return h.Host()
	}
	if v := req.HeaderValues("Host"); len(v) > 0 {
		return v[0]
	}
	return ""
}

// checkOrigin refuses a WebSocket upgrade from an origin that is not
// allowed; any other request passes. A client that sends no Origin is not
// a browser (browsers always send one with an upgrade) and passes.
func (a *BaseAuth) checkOrigin(req Request) *Error {
	if !isUpgrade(req) {
		return nil
	}
	origins := req.HeaderValues("Origin")
	if len(origins) == 0 {
		return nil
	}
	if len(origins) > 1 {
		return newError(ErrForbidden, CodeCrossOrigin, "a WebSocket upgrade with more than one Origin")
	}
	o := strings.TrimSpace(origins[0])
	if len(a.cfg.allowedOrigins) > 0 {
		if slices.Contains(a.cfg.allowedOrigins, strings.ToLower(o)) {
			return nil
		}
		return newError(ErrForbidden, CodeCrossOrigin, "a WebSocket upgrade from an origin not in "+EnvAllowedOrigins)
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, hostOf(req)) {
		return newError(ErrForbidden, CodeCrossOrigin, "a WebSocket upgrade from another site (its Origin is not this app's host; list the app's origins in "+EnvAllowedOrigins+")")
	}
	return nil
}
