// Command echo is the echo (v4) example, protected by echoauth. Configure it
// with the COGNITO_AUTH_* environment.
package main

import (
	"log"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/echoauth"
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
	auth, err := echoauth.New(echoauth.WithBypass("/health"), echoauth.WithCoreOptions(coreOpts...))
	if err != nil {
		return err
	}
	defer auth.Close()

	e := echo.New()
	e.HideBanner = true
	e.Use(auth.ProtectApp())
	e.GET("/", func(c echo.Context) error {
		u, _ := auth.GetAuthUser(c)
		return c.HTMLBlob(http.StatusOK, demo.HomePage("echo", u))
	})
	e.GET("/api/me", func(c echo.Context) error {
		u, _ := auth.GetAuthUser(c)
		return c.JSON(http.StatusOK, demo.NewMe(u))
	})
	e.GET("/admin", func(c echo.Context) error {
		return c.HTMLBlob(http.StatusOK, demo.AdminPage("echo", echoauth.User(c)))
	}, auth.RequireAuth(core.AllowGroups(demo.AdminGroup)))
	ok := func(c echo.Context) error { return c.String(http.StatusOK, "ok") }
	e.GET("/health", ok) // bypassed
	e.GET("/ping", ok)   // the same handler, protected (load tests compare the two)

	if ui != nil { // no ALB: the app runs the Cognito hosted-UI login itself
		echoauth.MountHostedUI(e, ui)
	}

	return demo.Serve("echo", e)
}
