package fiberv3auth_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/gofiber/fiber/v3"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/fiberv3auth"
)

// Protect a fiber app, leave /health open and require a group on /admin.
func ExampleAuth_ProtectApp() {
	iss, _ := cognitotest.New() // plays the ALB; in production New reads COGNITO_AUTH_*
	defer iss.Close()
	auth, err := fiberv3auth.New(
		fiberv3auth.WithCoreOptions(append(iss.Options(), core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))...),
		fiberv3auth.WithBypass("/health"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()

	app := fiber.New(fiber.Config{})
	app.Use(auth.ProtectApp())
	app.Get("/", func(c fiber.Ctx) error {
		u, _ := auth.GetAuthUser(c)
		return c.SendString("hello " + u.Email)
	})
	app.Get("/admin", auth.RequireAuth(core.AllowGroups("admins")), func(c fiber.Ctx) error {
		return c.SendString("admin " + fiberv3auth.User(c).Email)
	})
	app.Get("/health", func(c fiber.Ctx) error { return c.SendString("ok") })

	root := iss.Mint(cognitotest.User{Email: "root@example.com", Groups: []string{"admins"}})
	for _, path := range []string{"/", "/admin", "/health"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		root.Apply(req)
		resp, _ := app.Test(req)
		body, _ := io.ReadAll(resp.Body)
		fmt.Println(path, resp.StatusCode, string(body))
	}
	// Output:
	// / 200 hello root@example.com
	// /admin 200 admin root@example.com
	// /health 200 ok
}
