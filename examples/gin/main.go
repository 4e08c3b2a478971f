// Command gin is the gin example, protected by ginauth. Configure it with
// the COGNITO_AUTH_* environment.
package main

import (
	"log"
	"net/http"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
	"github.com/cognitoauth/cognito-auth-go/examples/internal/demo"
	"github.com/cognitoauth/cognito-auth-go/ginauth"
	"github.com/gin-gonic/gin"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	auth, err := ginauth.New(ginauth.WithBypass("/health"))
	if err != nil {
		return err
	}
	defer auth.Close()

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery(), auth.ProtectApp())
	r.GET("/", func(c *gin.Context) {
		u, _ := auth.GetAuthUser(c)
		c.Data(http.StatusOK, "text/html; charset=utf-8", demo.HomePage("gin", u))
	})
	r.GET("/api/me", func(c *gin.Context) {
		u, _ := auth.GetAuthUser(c)
		c.JSON(http.StatusOK, demo.NewMe(u))
	})
	r.GET("/admin", auth.RequireAuth(core.RequireGroups(demo.AdminGroup)), func(c *gin.Context) {
		c.Data(http.StatusOK, "text/html; charset=utf-8", demo.AdminPage("gin", ginauth.User(c)))
	})
	ok := func(c *gin.Context) { c.String(http.StatusOK, "ok") }
	r.GET("/health", ok) // bypassed
	r.GET("/ping", ok)   // the same handler, protected (load tests compare the two)

	if demo.HostedUIMode() { // no ALB: run the Cognito hosted-UI login ourselves
		ui, err := hostedui.New(auth.Base())
		if err != nil {
			return err
		}
		auth.MountHostedUI(r, ui)
	}

	return demo.Serve("gin", r)
}
