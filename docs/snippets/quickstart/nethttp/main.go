// Command app: a net/http app behind an ALB with Cognito login, protected by
// nethttpauth (chi and any func(http.Handler) http.Handler router work the
// same way). Configure it with the COGNITO_AUTH_* environment.
package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/nethttpauth"
)

func main() {
	auth, err := nethttpauth.New(nethttpauth.WithBypass("/health")) // reads COGNITO_AUTH_*
	if err != nil {
		log.Fatal(err) // every configuration problem at once
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		user, _ := auth.GetAuthUser(w, r)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"email": user.Email, "groups": user.Groups})
	})
	admin := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "hello, admin") })
	mux.Handle("GET /admin", auth.RequireAuth(core.AllowGroups("admins"))(admin)) // a per-route rule
	// /health is bypassed: no login.
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") })

	srv := &http.Server{Addr: addr(), Handler: auth.ProtectApp(mux), ReadHeaderTimeout: 10 * time.Second} // the whole app
	log.Fatal(srv.ListenAndServe())
}

// addr is where the app listens: HOST and PORT from the environment, as
// cognito-local sets them for the app it starts (127.0.0.1 and its port),
// else every interface on 8080, where an ALB's target group sends traffic.
func addr() string {
	return net.JoinHostPort(os.Getenv("HOST"), cmp.Or(os.Getenv("PORT"), "8080"))
}
