// Command nethttp is the net/http example: the standard library ServeMux
// protected by nethttpauth. Configure it with the COGNITO_AUTH_* environment.
package main

import (
	"encoding/json"
	"log"
	"net/http"

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

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		u, _ := auth.GetAuthUser(w, r)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(demo.LiveHomePage("net/http", u)) //nolint:gosec // html/template escapes every value
	})
	mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
		u, _ := auth.GetAuthUser(w, r)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(demo.NewMe(u))
	})
	mux.Handle("GET /admin", auth.RequireAuth(core.AllowGroups(demo.AdminGroup))(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write(demo.AdminPage("net/http", nethttpauth.User(r))) //nolint:gosec // html/template escapes every value
		})))
	// Long-lived: both end when the sign-in does (r's context).
	mux.HandleFunc("GET /ws", demo.Socket)
	mux.HandleFunc("GET /events", demo.Events)
	ok := func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }
	mux.HandleFunc("GET /health", ok) // bypassed
	mux.HandleFunc("GET /ping", ok)   // the same handler, protected (load tests compare the two)

	if ui != nil { // no ALB: the app runs the Cognito hosted-UI login itself
		ui.Mount(mux)
	}

	return demo.Serve("net/http", auth.ProtectApp(mux))
}
