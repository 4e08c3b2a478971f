// Command app: a gin app behind an ALB with Cognito login, protected by
// ginauth. Configure it with the COGNITO_AUTH_* environment.
package main

import (
	"cmp"
	"log"
	"net"
	"net/http"
	"os"

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
	log.Fatal(r.Run(addr()))
}

// addr is where the app listens: HOST and PORT from the environment, as
// cognito-local sets them for the app it starts (127.0.0.1 and its port),
// else every interface on 8080, where an ALB's target group sends traffic.
func addr() string {
	return net.JoinHostPort(os.Getenv("HOST"), cmp.Or(os.Getenv("PORT"), "8080"))
}
