// Command app: a gin app behind an ALB with Cognito login, protected by
// ginauth. Configure it with the COGNITO_AUTH_* environment.
package main

import (
	"log"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/ginauth"
)

func main() {
	auth, err := ginauth.New(ginauth.WithBypass("/health")) // reads COGNITO_AUTH_*
	if err != nil {
		log.Fatal(err) // every configuration problem at once
	}

	r := gin.New()
	r.Use(auth.ProtectApp()) // the whole app, in one line
	r.GET("/", func(c *gin.Context) {
		user, _ := auth.GetAuthUser(c)
		c.String(http.StatusOK, "hello %s", user.Email)
	})
	r.GET("/admin", auth.RequireAuth(core.AllowGroups("admins")), func(c *gin.Context) { // a per-route rule
		c.String(http.StatusOK, "hello admin %s", ginauth.User(c).Email)
	})
	r.GET("/health", func(c *gin.Context) { c.String(http.StatusOK, "ok") }) // bypassed: no login
	log.Fatal(r.Run(":8080"))
}
