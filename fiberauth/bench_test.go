package fiberauth_test

import (
	"net"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/fiberauth"
)

// serve runs app on a loopback listener until the benchmark ends.
func serve(b *testing.B, app *fiber.App) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	b.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	return "http://" + ln.Addr().String()
}

func BenchmarkMiddleware(b *testing.B) {
	conformance.Bench(b, func(b *testing.B, base *core.BaseAuth) (conformance.BenchTarget, conformance.BenchTarget) {
		auth, err := fiberauth.New(fiberauth.WithBaseAuth(base))
		if err != nil {
			b.Fatal(err)
		}
		handler := func(c *fiber.Ctx) error {
			if u := fiberauth.User(c); u != nil {
				return c.SendString(u.Email)
			}
			return c.SendString("anonymous")
		}
		protected := fiber.New(fiber.Config{DisableStartupMessage: true})
		plain := fiber.New(fiber.Config{DisableStartupMessage: true})
		protected.Use(auth.ProtectApp())
		protected.Get(conformance.PathBench, handler)
		plain.Get(conformance.PathBench, handler)
		return conformance.BenchTarget{URL: serve(b, protected)}, conformance.BenchTarget{URL: serve(b, plain)}
	})
}
