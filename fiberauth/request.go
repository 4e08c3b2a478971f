package fiberauth

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// request adapts *fiber.Ctx to core.Request. Every string is copied out of
// fasthttp's buffers, which are reused after the handler returns.
type request struct{ c *fiber.Ctx }

func (r request) HeaderValues(name string) []string {
	raw := r.c.Request().Header.PeekAll(name)
	if len(raw) == 0 {
		return nil
	}
	out := make([]string, len(raw))
	for i, b := range raw {
		out[i] = string(b) // copies
	}
	return out
}

func (r request) Cookie(name string) (string, bool) {
	b := r.c.Request().Header.Cookie(name)
	if b == nil {
		return "", false
	}
	return string(b), true
}

func (r request) Path() string { return strings.Clone(r.c.Path()) }
