package hostedui_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// TestMountedUnderPrefix: an app served under /dash (http.StripPrefix)
// logs in and returns to the page first asked for, prefix included.
func TestMountedUnderPrefix(t *testing.T) {
	iss := cognitotest.Start(t)
	outer := http.NewServeMux()
	srv := httptest.NewServer(outer)
	defer srv.Close()
	app := srv.URL + "/dash"
	ui := iss.StartHostedUI(cognitotest.WithRedirectURIs(app + hostedui.DefaultCallbackPath))
	defer ui.Close()
	logger := core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	v, err := core.NewVerifier(append(iss.VerifierOptions(), core.WithALBARNs(), logger)...)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	h, err := hostedui.New(v, hostedui.WithDomain(ui.URL()), hostedui.WithAppURL(app), hostedui.WithSessionSecrets(secret))
	if err != nil {
		t.Fatal(err)
	}
	base, err := core.New(core.WithEnvironment(noEnv), logger, core.WithVerifier(v), core.WithSources(h), core.WithBearer(true))
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	inner := http.NewServeMux()
	h.Mount(inner)
	inner.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		u, err := base.Authenticate(r.Context(), core.HTTPExchange(w, r))
		if err != nil {
			f := base.Failure(core.HTTPRequest(r), err)
			f.Write(w)
			return
		}
		_, _ = io.WriteString(w, "dash for "+u.Email+" at "+r.URL.Path)
	})
	outer.Handle("/dash/", http.StripPrefix("/dash", inner))

	b := newBrowser(t)
	resp, _ := b.do(http.MethodGet, app+"/reports", nil, nil)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/dash/login/cognito?rd=%2Freports" {
		t.Fatalf("login redirect under the prefix: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = b.do(http.MethodGet, abs(srv.URL, resp.Header.Get("Location")), nil, nil)
	authz, _ := url.Parse(resp.Header.Get("Location"))
	if authz.Query().Get("redirect_uri") != app+hostedui.DefaultCallbackPath {
		t.Fatalf("redirect_uri %q", authz.Query().Get("redirect_uri"))
	}
	f := authz.Query()
	f.Set("username", "alice")
	f.Set("password", cognitotest.DefaultPassword)
	resp, _ = b.do(http.MethodPost, ui.URL()+"/login", f, nil)
	resp, _ = b.do(http.MethodGet, resp.Header.Get("Location"), nil, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dash/reports" {
		t.Fatalf("callback under the prefix: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body := b.do(http.MethodGet, abs(srv.URL, resp.Header.Get("Location")), nil, nil); resp.StatusCode != http.StatusOK || body != "dash for alice@example.com at /reports" {
		t.Fatalf("after login: %d %q", resp.StatusCode, body)
	}
}
