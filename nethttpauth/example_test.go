package nethttpauth_test

import (
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/nethttpauth"
)

var quiet = core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

// Protect a whole ServeMux in one line, with /health left open, and a
// per-route group rule on /admin.
func ExampleAuth_ProtectApp() {
	iss, _ := cognitotest.New() // plays the ALB; in production New reads COGNITO_AUTH_*
	defer iss.Close()
	auth, err := nethttpauth.New(
		nethttpauth.WithCoreOptions(append(iss.Options(), quiet)...),
		nethttpauth.WithBypass("/health"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		u, _ := auth.GetAuthUser(w, r)
		fmt.Fprintf(w, "hello %s", u.Email)
	})
	mux.Handle("GET /admin", auth.RequireAuth(core.AllowGroups("admins"))(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "admin %s", nethttpauth.User(r).Email) })))
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	srv := httptest.NewServer(auth.ProtectApp(mux))
	defer srv.Close()

	alice := iss.Mint(cognitotest.User{Email: "alice@example.com", Groups: []string{"staff"}})
	for _, path := range []string{"/", "/admin", "/health"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		alice.Apply(req)
		resp, _ := http.DefaultClient.Do(req)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(path, resp.StatusCode, string(body))
	}
	// Output:
	// / 200 hello alice@example.com
	// /admin 403 {"error":"forbidden","message":"You do not have access to this page.","status":403}
	//
	// /health 200 ok
}

// Render refusals your own way; the next handler is never called.
func ExampleWithErrorHandler() {
	auth, err := nethttpauth.New(nethttpauth.WithErrorHandler(func(w http.ResponseWriter, _ *http.Request, err error) {
		http.Error(w, "sign in first ("+string(core.CodeOf(err))+")", core.StatusOf(err))
	}), nethttpauth.WithCoreOptions(core.WithEnvironment(func(string) (string, bool) { return "", false }),
		core.WithDevMode(false), core.WithUserPoolIDs("eu-west-2_Example1"),
		core.WithALBARNs("arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/my-app/50dc6c495c0c9188"), quiet))
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	rec := httptest.NewRecorder()
	auth.ProtectApp(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output: 401 sign in first (missing_token)
}
