package fiberauth

import (
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cognitoauth/cognito-auth-go/core/adapterkit"
)

// request adapts *fiber.Ctx to core.Request. Every string is copied out of
// fasthttp's buffers, which are reused after the handler returns.
//
// Headers and cookies are read from the header block as received
// (RawHeaders), never from fasthttp's header map: fasthttp merges the
// trailer fields of a chunked body into that map, and a proxy or WAF that
// inspects or strips the header block would not see credentials sent there.
// A request that fasthttp did not parse from the wire (built in process)
// has no header block and so no credentials: it fails closed.
type request struct{ c *fiber.Ctx }

func (r request) block() adapterkit.HeaderBlock {
	return adapterkit.HeaderBlock(r.c.Request().Header.RawHeaders())
}

func (r request) HeaderValues(name string) []string { return r.block().Values(name) }

func (r request) Cookie(name string) (string, bool) { return r.block().Cookie(name) }

func (r request) Path() string { return strings.Clone(r.c.Path()) }

// RequestURI returns the path and query (copied), for post-login returns.
func (r request) RequestURI() string { return string(r.c.Request().RequestURI()) }

// SetCookie sets a response cookie with fiber's own call (session refreshes
// and the hosted-UI routes use it).
func (r request) SetCookie(c *http.Cookie) {
	fc := &fiber.Cookie{
		Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain,
		Secure: c.Secure, HTTPOnly: c.HttpOnly, SameSite: sameSites[c.SameSite],
	}
	switch {
	case c.MaxAge < 0:
		fc.Expires = time.Unix(1, 0) // delete
	case c.MaxAge > 0:
		fc.MaxAge = c.MaxAge
	}
	r.c.Cookie(fc)
}

// sameSites maps net/http's SameSite modes to fiber's (default: unset).
var sameSites = map[http.SameSite]string{
	http.SameSiteStrictMode: fiber.CookieSameSiteStrictMode,
	http.SameSiteNoneMode:   fiber.CookieSameSiteNoneMode,
	http.SameSiteLaxMode:    fiber.CookieSameSiteLaxMode,
}

// exchange adapts *fiber.Ctx to hostedui.Exchange (strings copied).
type exchange struct{ request }

func (x exchange) Method() string           { return strings.Clone(x.c.Method()) }
func (x exchange) Query(name string) string { return strings.Clone(x.c.Query(name)) }
func (x exchange) FormValue(name string) string {
	if x.c.Method() != fiber.MethodPost {
		return ""
	}
	return strings.Clone(x.c.FormValue(name))
}
