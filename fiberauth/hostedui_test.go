package fiberauth_test

import (
	"net"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/fiberauth"
)

func TestHostedUIFlow(t *testing.T) {
	conformance.RunHostedUI(t, func(t *testing.T, app conformance.HostedUIApp, ln net.Listener) {
		auth, err := fiberauth.New(fiberauth.WithBaseAuth(app.Auth))
		if err != nil {
			t.Fatal(err)
		}
		f := fiber.New(fiber.Config{DisableStartupMessage: true})
		f.Use(auth.ProtectApp())
		fiberauth.MountHostedUI(f, app.UI)
		f.Get("/", func(c *fiber.Ctx) error { return c.SendString("hello " + fiberauth.User(c).Email) })
		f.Get("/reports", func(c *fiber.Ctx) error { return c.SendString("reports for " + fiberauth.User(c).Email) })
		go func() { _ = f.Listener(ln) }()
		t.Cleanup(func() { _ = f.ShutdownWithTimeout(5 * time.Second) })
	})
}
