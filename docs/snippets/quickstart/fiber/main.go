// Command app: a fiber app behind an ALB with Cognito login, protected by
// fiberauth. Configure it with the COGNITO_AUTH_* environment.
package main

import (
	"cmp"
	"log"
	"net"
	"os"

	"github.com/gofiber/fiber/v2"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/fiberauth"
)

func main() {
	auth, err := fiberauth.New(fiberauth.WithBypass("/health")) // reads COGNITO_AUTH_*
	if err != nil {
		log.Fatal(err) // every configuration problem at once
	}

	app := fiber.New(fiber.Config{ReadBufferSize: 64 << 10}) // behind an ALB: ~4 KB session cookie shards and large token headers
	app.Use(auth.ProtectApp())                               // the whole app, in one line
	app.Get("/", func(c *fiber.Ctx) error {
		user, _ := auth.GetAuthUser(c)
		return c.SendString("hello " + user.Email)
	})
	app.Get("/admin", auth.RequireAuth(core.AllowGroups("admins")), func(c *fiber.Ctx) error { // a per-route rule
		return c.SendString("hello admin " + fiberauth.User(c).Email)
	})
	app.Get("/health", func(c *fiber.Ctx) error { return c.SendString("ok") }) // bypassed: no login
	log.Fatal(app.Listen(addr()))
}

// addr is where the app listens: HOST and PORT from the environment, as
// cognito-local sets them for the app it starts (127.0.0.1 and its port),
// else every interface on 8080, where an ALB's target group sends traffic.
func addr() string {
	return net.JoinHostPort(os.Getenv("HOST"), cmp.Or(os.Getenv("PORT"), "8080"))
}
