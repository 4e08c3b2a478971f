package hostedui_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// Run the hosted-UI login for an app without an ALB: one Authenticate for
// every way in (ALB headers, bearer tokens, then the session), and the
// login, callback and logout routes mounted on the mux.
func ExampleNew() {
	noEnv := core.WithEnvironment(func(string) (string, bool) { return "", false })
	logger := core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	// The Verifier is shared: the hosted UI verifies the tokens it receives
	// with it, and so does the guard.
	verifier, err := core.NewVerifier(noEnv, logger,
		core.WithUserPoolIDs("eu-west-2_AbCdEf123"), core.WithClientIDs("1example23456789"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer verifier.Close()
	ui, err := hostedui.New(verifier,
		hostedui.WithEnvironment(func(string) (string, bool) { return "", false }),
		hostedui.WithDomain("my-app"), // my-app.auth.eu-west-2.amazoncognito.com
		hostedui.WithAppURL("https://app.example.com"),
		hostedui.WithClientSecret("client-secret-from-cognito"),
		hostedui.WithSessionSecrets("at-least-32-bytes-of-random-secret-material"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The session is one of the guard's credential sources.
	auth, err := core.New(noEnv, logger, core.WithVerifier(verifier), core.WithSources(ui),
		core.WithBearer(true)) // APIs may also send Authorization: Bearer <access token>
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()
	mux := http.NewServeMux()
	ui.Mount(mux)
	for _, r := range ui.Routes() {
		fmt.Println(r.Method, r.Path)
	}
	fmt.Println(ui.LoginURL("/reports?month=11"))
	// A route with core.RequireRecentSignIn sends an old sign-in here.
	fmt.Println(ui.FreshLoginURL("/projects/7/delete"))
	// Output:
	// GET /login/cognito
	// GET /login/cognito/authorized
	// GET /logout/cognito
	// POST /logout/cognito
	// /login/cognito?rd=%2Freports%3Fmonth%3D11
	// /login/cognito?rd=%2Fprojects%2F7%2Fdelete&fresh=1
}

// A long-lived handler (WebSocket, server-sent events) of a hosted-UI
// session opts in to renewal: its context then outlives each access token
// while the session is renewed in the Store, and ends "sign-in expired"
// when it cannot be. Cookie sessions cannot be renewed without a response,
// so Extend needs WithStore (the redisstore module).
func ExampleHostedUI_Extend() {
	noEnv := func(string) (string, bool) { return "", false }
	verifier, err := core.NewVerifier(core.WithEnvironment(noEnv), core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		core.WithUserPoolIDs("eu-west-2_AbCdEf123"), core.WithClientIDs("1example23456789"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer verifier.Close()
	ui, err := hostedui.New(verifier, hostedui.WithEnvironment(noEnv), hostedui.WithDomain("my-app"),
		hostedui.WithAppURL("https://app.example.com"), hostedui.WithClientSecret("client-secret-from-cognito"),
		hostedui.WithSessionSecrets("at-least-32-bytes-of-random-secret-material")) // no WithStore: cookie sessions
	if err != nil {
		fmt.Println(err)
		return
	}
	handler := func(w http.ResponseWriter, r *http.Request) { // behind the adapter's middleware
		ctx, cancel, err := ui.Extend(r.Context(), core.HTTPRequest(r))
		if err != nil {
			fmt.Println(errors.Is(err, hostedui.ErrExtendNeedsStore))
			return
		}
		defer cancel()
		<-ctx.Done() // serve the connection until the sign-in ends
	}
	handler(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/events", nil))
	// Output: true
}
