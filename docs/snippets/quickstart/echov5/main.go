// Command app: an echo v5 app behind an ALB with Cognito login, protected by
// echov5auth. Configure it with the COGNITO_AUTH_* environment.
package main

import (
	"cmp"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/labstack/echo/v5"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/echov5auth"
)

func main() {
	auth, err := echov5auth.New(echov5auth.WithBypass("/health")) // reads COGNITO_AUTH_*
	if err != nil {
		log.Fatal(err) // every configuration problem at once
	}

	e := echo.New()
	e.Use(auth.ProtectApp()) // the whole app, in one line
	e.GET("/", func(c *echo.Context) error {
		user, _ := auth.GetAuthUser(c)
		return c.String(http.StatusOK, "hello "+user.Email)
	})
	e.GET("/admin", func(c *echo.Context) error {
		return c.String(http.StatusOK, "hello admin "+echov5auth.User(c).Email)
	}, auth.RequireAuth(core.AllowGroups("admins"))) // a per-route rule
	e.GET("/health", func(c *echo.Context) error { return c.String(http.StatusOK, "ok") }) // bypassed: no login
	log.Fatal(e.Start(addr()))
}

// addr is where the app listens: HOST and PORT from the environment, as
// cognito-local sets them for the app it starts (127.0.0.1 and its port),
// else every interface on 8080, where an ALB's target group sends traffic.
func addr() string {
	return net.JoinHostPort(os.Getenv("HOST"), cmp.Or(os.Getenv("PORT"), "8080"))
}
