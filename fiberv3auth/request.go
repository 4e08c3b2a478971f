package fiberv3auth

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"
)

// request adapts fiber.Ctx to core.Request. Every string is copied out of
// fasthttp's buffers, which are reused after the handler returns.
//
// Headers and cookies are read from the header block as received
// (RawHeaders), never from fasthttp's header map: fasthttp merges the
// trailer fields of a chunked body into that map, and a proxy or WAF that
// inspects or strips the header block would not see credentials sent there.
// A request that fasthttp did not parse from the wire (built in process)
// has no header block and so no credentials: it fails closed.
type request struct{ c fiber.Ctx }

func (r request) HeaderValues(name string) []string {
	var out []string
	eachHeader(r.c.Request().Header.RawHeaders(), func(k, v []byte) {
		if equalFoldASCII(k, name) {
			out = append(out, string(v)) // copies
		}
	})
	return out
}

func (r request) Cookie(name string) (string, bool) {
	value, found := "", false
	eachHeader(r.c.Request().Header.RawHeaders(), func(k, v []byte) {
		if found || !equalFoldASCII(k, "Cookie") {
			return
		}
		value, found = cookieValue(v, name)
	})
	return value, found
}

// eachHeader calls fn with each field of a raw header block ("Name: value"
// lines), the value trimmed of surrounding spaces and tabs.
func eachHeader(block []byte, fn func(name, value []byte)) {
	for len(block) > 0 {
		line := block
		if i := bytes.IndexByte(block, '\n'); i >= 0 {
			line, block = block[:i], block[i+1:]
		} else {
			block = nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		k, v, ok := bytes.Cut(line, []byte{':'})
		if !ok || len(k) == 0 {
			continue
		}
		fn(k, bytes.Trim(v, " \t"))
	}
}

// cookieValue finds name in one Cookie header value ("a=1; b=2"); the
// value is copied.
func cookieValue(header []byte, name string) (string, bool) {
	for len(header) > 0 {
		var pair []byte
		pair, header, _ = bytes.Cut(header, []byte{';'})
		k, v, ok := bytes.Cut(bytes.TrimSpace(pair), []byte{'='})
		if ok && string(k) == name {
			return string(v), true
		}
	}
	return "", false
}

// equalFoldASCII compares a header name case-insensitively.
func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		if lower(b[i]) != lower(s[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func (r request) Path() string { return strings.Clone(r.c.Path()) }

// RequestURI returns the path and query (copied), for post-login returns.
func (r request) RequestURI() string { return string(r.c.Request().RequestURI()) }

// SetCookie sets a response cookie with fiber's own call (session refreshes
// and the hosted-UI routes use it).
func (r request) SetCookie(c *http.Cookie) {
	fc := &fiber.Cookie{
		Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain,
		Secure: c.Secure, HTTPOnly: c.HttpOnly, SameSite: sameSite(c.SameSite),
	}
	switch {
	case c.MaxAge < 0:
		fc.Expires = time.Unix(1, 0) // delete
	case c.MaxAge > 0:
		fc.MaxAge = c.MaxAge
	}
	r.c.Cookie(fc)
}

func sameSite(s http.SameSite) string {
	switch s {
	case http.SameSiteStrictMode:
		return fiber.CookieSameSiteStrictMode
	case http.SameSiteNoneMode:
		return fiber.CookieSameSiteNoneMode
	case http.SameSiteLaxMode:
		return fiber.CookieSameSiteLaxMode
	}
	return ""
}

// exchange adapts fiber.Ctx to hostedui.Exchange (strings copied).
type exchange struct{ request }

func (x exchange) Method() string           { return strings.Clone(x.c.Method()) }
func (x exchange) Query(name string) string { return strings.Clone(x.c.Query(name)) }
func (x exchange) FormValue(name string) string {
	if x.c.Method() != fiber.MethodPost {
		return ""
	}
	return strings.Clone(x.c.FormValue(name))
}
