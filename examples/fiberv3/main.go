// Command fiberv3 is the fiber v3 example, protected by fiberv3auth. Configure
// it with the COGNITO_AUTH_* environment.
package main

import (
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/gofiber/fiber/v3"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/examples/internal/demo"
	"github.com/cognitoauth/cognito-auth-go/fiberv3auth"
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
	auth, err := fiberv3auth.New(fiberv3auth.WithBypass("/health"), fiberv3auth.WithCoreOptions(coreOpts...))
	if err != nil {
		return err
	}
	defer auth.Close()

	// Behind an ALB, browsers send ~4 KB session cookie shards and the ALB
	// adds large token headers: fiber's default 4 KiB read buffer answers
	// those requests 431. 64 KiB holds them.
	app := fiber.New(fiber.Config{ReadBufferSize: 64 << 10})
	app.Use(auth.ProtectApp())
	app.Get("/", func(c fiber.Ctx) error {
		u, _ := auth.GetAuthUser(c)
		c.Type("html", "utf-8")
		return c.Send(demo.HomePage("fiber v3", u))
	})
	app.Get("/api/me", func(c fiber.Ctx) error {
		u, _ := auth.GetAuthUser(c)
		return c.JSON(demo.NewMe(u))
	})
	app.Get("/admin", auth.RequireAuth(core.AllowGroups(demo.AdminGroup)), func(c fiber.Ctx) error {
		c.Type("html", "utf-8")
		return c.Send(demo.AdminPage("fiber v3", fiberv3auth.User(c)))
	})
	ok := func(c fiber.Ctx) error { return c.SendString("ok") }
	app.Get("/health", ok) // bypassed
	app.Get("/ping", ok)   // the same handler, protected (load tests compare the two)

	if ui != nil { // no ALB: the app runs the Cognito hosted-UI login itself
		fiberv3auth.MountHostedUI(app, ui)
	}

	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
		_ = app.Shutdown()
	}()
	log.Printf("fiber v3 example listening on %s", demo.Addr())
	return app.Listen(demo.Addr(), fiber.ListenConfig{DisableStartupMessage: true})
}
