// Command gin is the gin example, protected by ginauth. Configure it with
// the COGNITO_AUTH_* environment.
package main

import (
	"log"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/examples/internal/demo"
	"github.com/cognitoauth/cognito-auth-go/ginauth"
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
	auth, err := ginauth.New(ginauth.WithBypass("/health"), ginauth.WithCoreOptions(coreOpts...))
	if err != nil {
		return err
	}
	defer auth.Close()

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery(), auth.ProtectApp())
	r.GET("/", func(c *gin.Context) {
		u, _ := auth.GetAuthUser(c)
		c.Data(http.StatusOK, "text/html; charset=utf-8", demo.LiveHomePage("gin", u))
	})
	r.GET("/api/me", func(c *gin.Context) {
		u, _ := auth.GetAuthUser(c)
		c.JSON(http.StatusOK, demo.NewMe(u))
	})
	r.GET("/admin", auth.RequireAuth(core.AllowGroups(demo.AdminGroup)), func(c *gin.Context) {
		c.Data(http.StatusOK, "text/html; charset=utf-8", demo.AdminPage("gin", ginauth.User(c)))
	})
	// Long-lived: both end when the sign-in does (c.Request's context).
	r.GET("/ws", func(c *gin.Context) { demo.Socket(c.Writer, c.Request) })
	r.GET("/events", func(c *gin.Context) { demo.Events(c.Writer, c.Request) })
	ok := func(c *gin.Context) { c.String(http.StatusOK, "ok") }
	r.GET("/health", ok) // bypassed
	r.GET("/ping", ok)   // the same handler, protected (load tests compare the two)

	if ui != nil { // no ALB: the app runs the Cognito hosted-UI login itself
		ginauth.MountHostedUI(r, ui)
	}

	return demo.Serve("gin", r)
}
