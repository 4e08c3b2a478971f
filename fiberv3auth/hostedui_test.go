package fiberv3auth_test

import (
	"net"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/fiberv3auth"
)

func TestHostedUIFlow(t *testing.T) {
	conformance.RunHostedUI(t, func(t *testing.T, app conformance.HostedUIApp, ln net.Listener) {
		auth, err := fiberv3auth.New(fiberv3auth.WithBaseAuth(app.Auth))
		if err != nil {
			t.Fatal(err)
		}
		f := fiber.New(fiber.Config{})
		f.Use(auth.ProtectApp())
		fiberv3auth.MountHostedUI(f, app.UI)
		f.Get("/", func(c fiber.Ctx) error { return c.SendString("hello " + fiberv3auth.User(c).Email) })
		f.Get("/reports", func(c fiber.Ctx) error { return c.SendString("reports for " + fiberv3auth.User(c).Email) })
		go func() { _ = f.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
		t.Cleanup(func() { _ = f.ShutdownWithTimeout(5 * time.Second) })
	})
}
