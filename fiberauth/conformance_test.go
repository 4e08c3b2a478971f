package fiberauth_test

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/fiberauth"
)

// newDriver builds the conformance app on a real fiber server on loopback;
// fiberErrors selects the error-return + ErrorHandler rendering path.
func newDriver(fiberErrors bool) conformance.Driver {
	return func(t *testing.T, app conformance.App) string {
		opts := []fiberauth.Option{fiberauth.WithBaseAuth(app.Auth), fiberauth.WithBypass(app.Bypass...)}
		if fiberErrors {
			opts = append(opts, fiberauth.WithFiberErrors())
		}
		if app.CustomErrorHandler {
			opts = append(opts, fiberauth.WithErrorHandler(func(c *fiber.Ctx, err error) error {
				return c.Status(conformance.CustomStatus).SendString(conformance.CustomBody(err))
			}))
		}
		auth, err := fiberauth.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		// 64 KiB: real ALB browser requests carry ~4 KB session cookie
		// shards and large tokens (fiber's default of 4 KiB answers 431).
		cfg := fiber.Config{DisableStartupMessage: true, ReadBufferSize: 64 << 10}
		if fiberErrors {
			cfg.ErrorHandler = auth.ErrorHandler(fiber.DefaultErrorHandler)
		}
		f := fiber.New(cfg)
		if app.Planted != nil {
			f.Use(func(c *fiber.Ctx) error {
				c.SetUserContext(cognitotest.ContextWithUser(c.UserContext(), app.Planted))
				return c.Next()
			})
		}
		f.Use(auth.ProtectApp())
		f.Get(conformance.PathHome, func(c *fiber.Ctx) error {
			app.Called(conformance.PathHome)
			u, _ := auth.GetAuthUser(c)
			return c.SendString("hello " + u.Email)
		})
		f.Get(conformance.PathMe, func(c *fiber.Ctx) error {
			app.Called(conformance.PathMe)
			u, _ := auth.GetAuthUser(c)
			return c.JSON(conformance.NewMe(c.UserContext(), u))
		})
		f.Get(conformance.PathAdmin, auth.RequireAuth(app.AdminRules...), func(c *fiber.Ctx) error {
			app.Called(conformance.PathAdmin)
			return c.SendString("admin " + fiberauth.User(c).Email)
		})
		health := func(c *fiber.Ctx) error {
			app.Called(conformance.PathHealth)
			return c.SendString("ok")
		}
		f.Get(conformance.PathHealth, health)
		f.Get(conformance.PathHealth+"/", health)
		f.Get(conformance.PathWhoami, func(c *fiber.Ctx) error {
			app.Called(conformance.PathWhoami)
			u, err := auth.GetAuthUser(c)
			return c.SendString(conformance.Whoami(u, err))
		})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- f.Listener(ln) }()
		t.Cleanup(func() {
			_ = f.ShutdownWithTimeout(5 * time.Second)
			if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
				t.Errorf("fiber: %v", err)
			}
		})
		return "http://" + ln.Addr().String()
	}
}

func TestConformance(t *testing.T) { conformance.Run(t, newDriver(false)) }

// TestConformanceWithErrorHandler runs the same table with refusals
// returned as errors and rendered by auth.ErrorHandler.
func TestConformanceWithErrorHandler(t *testing.T) { conformance.Run(t, newDriver(true)) }
