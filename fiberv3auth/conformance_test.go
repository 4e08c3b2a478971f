package fiberv3auth_test

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/fiberv3auth"
)

// newDriver builds the conformance app on a real fiber server on loopback;
// fiberErrors selects the error-return + ErrorHandler rendering path.
func newDriver(fiberErrors bool) conformance.Driver {
	return func(t *testing.T, app conformance.App) string {
		opts := []fiberv3auth.Option{fiberv3auth.WithBaseAuth(app.Auth), fiberv3auth.WithBypass(app.Bypass...)}
		if fiberErrors {
			opts = append(opts, fiberv3auth.WithFiberErrors())
		}
		if app.CustomErrorHandler {
			opts = append(opts, fiberv3auth.WithErrorHandler(func(c fiber.Ctx, err error) error {
				return c.Status(conformance.CustomStatus).SendString(conformance.CustomBody(err))
			}))
		}
		auth, err := fiberv3auth.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		// 64 KiB: real ALB browser requests carry ~4 KB session cookie
		// shards and large tokens (fiber's default of 4 KiB answers 431).
		cfg := fiber.Config{ReadBufferSize: 64 << 10}
		if fiberErrors {
			cfg.ErrorHandler = auth.ErrorHandler(fiber.DefaultErrorHandler)
		}
		f := fiber.New(cfg)
		if app.Planted != nil {
			f.Use(func(c fiber.Ctx) error {
				c.SetContext(cognitotest.ContextWithUser(c.Context(), app.Planted))
				return c.Next()
			})
		}
		f.Use(auth.ProtectApp())
		f.Get(conformance.PathHome, func(c fiber.Ctx) error {
			app.Called(conformance.PathHome)
			u, _ := auth.GetAuthUser(c)
			return c.SendString("hello " + u.Email)
		})
		f.Get(conformance.PathMe, func(c fiber.Ctx) error {
			app.Called(conformance.PathMe)
			u, _ := auth.GetAuthUser(c)
			return c.JSON(conformance.NewMe(c.Context(), u))
		})
		f.Get(conformance.PathAdmin, auth.RequireAuth(app.AdminRules...), func(c fiber.Ctx) error {
			app.Called(conformance.PathAdmin)
			return c.SendString("admin " + fiberv3auth.User(c).Email)
		})
		health := func(c fiber.Ctx) error {
			app.Called(conformance.PathHealth)
			return c.SendString("ok")
		}
		f.Get(conformance.PathHealth, health)
		f.Get(conformance.PathHealth+"/", health)
		f.Get(conformance.PathWhoami, func(c fiber.Ctx) error {
			app.Called(conformance.PathWhoami)
			u, err := auth.GetAuthUser(c)
			return c.SendString(conformance.Whoami(u, err))
		})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- f.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
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
