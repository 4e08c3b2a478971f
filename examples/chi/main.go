// Command chi is the chi example: nethttpauth's middleware on a chi router.
// Configure it with the COGNITO_AUTH_* environment.
package main

import (
	"encoding/json"
	"log"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/examples/internal/demo"
	"github.com/cognitoauth/cognito-auth-go/nethttpauth"
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
	auth, err := nethttpauth.New(nethttpauth.WithBypass("/health"), nethttpauth.WithCoreOptions(coreOpts...))
	if err != nil {
		return err
	}
	defer auth.Close()

	r := chi.NewRouter()
	r.Use(auth.ProtectApp)
	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(demo.HomePage("chi", nethttpauth.User(r))) //nolint:gosec // html/template escapes every value
	})
	r.Get("/api/me", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(demo.NewMe(nethttpauth.User(r)))
	})
	r.With(auth.RequireAuth(core.AllowGroups(demo.AdminGroup))).Get("/admin", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(demo.AdminPage("chi", nethttpauth.User(r))) //nolint:gosec // html/template escapes every value
	})
	ok := func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }
	r.Get("/health", ok) // bypassed
	r.Get("/ping", ok)   // the same handler, protected (load tests compare the two)

	if ui != nil { // no ALB: the app runs the Cognito hosted-UI login itself
		for _, rt := range ui.Routes() {
			r.Method(rt.Method, rt.Path, ui.Handler())
		}
	}

	return demo.Serve("chi", r)
}
