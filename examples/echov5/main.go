// Command echov5 is the echo v5 example, protected by echov5auth. Configure it
// with the COGNITO_AUTH_* environment.
package main

import (
	"log"
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/echov5auth"
	"github.com/cognitoauth/cognito-auth-go/examples/internal/demo"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	coreOpts, ui, closeSources, err := demo.Sources() // hosted-UI mode: the login is a credential source
	if err != nil {
		return err
	}
	defer closeSources()
	auth, err := echov5auth.New(echov5auth.WithBypass("/health"), echov5auth.WithCoreOptions(coreOpts...))
	if err != nil {
		return err
	}
	defer auth.Close()

	e := echo.New()
	e.Use(auth.ProtectApp())
	e.GET("/", func(c *echo.Context) error {
		u, _ := auth.GetAuthUser(c)
		return c.HTMLBlob(http.StatusOK, demo.HomePage("echo v5", u))
	})
	e.GET("/api/me", func(c *echo.Context) error {
		u, _ := auth.GetAuthUser(c)
		return c.JSON(http.StatusOK, demo.NewMe(u))
	})
	e.GET("/admin", func(c *echo.Context) error {
		return c.HTMLBlob(http.StatusOK, demo.AdminPage("echo v5", echov5auth.User(c)))
	}, auth.RequireAuth(core.AllowGroups(demo.AdminGroup)))
	ok := func(c *echo.Context) error { return c.String(http.StatusOK, "ok") }
	e.GET("/health", ok) // bypassed
	e.GET("/ping", ok)   // the same handler, protected (load tests compare the two)

	if ui != nil { // no ALB: the app runs the Cognito hosted-UI login itself
		echov5auth.MountHostedUI(e, ui)
	}

	return demo.Serve("echo v5", e)
}
