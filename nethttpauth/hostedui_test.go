package nethttpauth_test

import (
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/nethttpauth"
)

func hostedUIDriver(t *testing.T, app conformance.HostedUIApp, ln net.Listener) {
	auth, err := nethttpauth.New(nethttpauth.WithBaseAuth(app.Auth))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	app.UI.Mount(mux)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "hello "+nethttpauth.User(r).Email)
	})
	mux.HandleFunc("GET /reports", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "reports for "+nethttpauth.User(r).Email)
	})
	srv := &http.Server{Handler: auth.ProtectApp(mux), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
}

func TestHostedUIFlow(t *testing.T) { conformance.RunHostedUI(t, hostedUIDriver) }
