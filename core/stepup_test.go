package core_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// TestRequireRecentSignIn: a route that needs a sign-in within five minutes
// lets in a user who just signed in and refuses an older sign-in, or a
// token without auth_time, with 401 sign_in_too_old and the RFC 9470
// challenge (insufficient_user_authentication, max_age), for API clients
// and browsers, behind an ALB and with bearer tokens; other routes are not
// affected.
func TestRequireRecentSignIn(t *testing.T) {
	a, _ := newAuth(t, nil, core.WithBearer(true))
	mux := http.NewServeMux()
	recent := core.RequireRecentSignIn(5 * time.Minute)
	for path, rules := range map[string][]core.Rule{
		"/danger": {recent},
		"/":       nil,
		// Nested, the rule gets its own refusal too; where another rule
		// refuses the user as well, signing in again would not help.
		"/staff-recent":     {core.AllOf(core.AllowGroups("staff"), recent)},
		"/admins-or-recent": {core.AnyOf(core.AllowGroups("admins"), recent)},
		"/recent-admins":    {recent, core.AllowGroups("admins")},
	} {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			_, err := a.Authenticate(r.Context(), core.HTTPRequest(r), rules...)
			if err != nil {
				w.Header().Set("X-Test-Code", string(core.CodeOf(err)))
				f := a.Failure(core.HTTPRequest(r), err)
				f.Write(w)
				return
			}
			_, _ = io.WriteString(w, "ok")
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	alice := ct.User{Email: "alice@example.com", Groups: []string{"staff"}}
	hourAgo := time.Now().Add(-time.Hour).Unix()
	tests := []struct {
		name, path, accept string
		header             http.Header
		status             int
		code, wwwAuth      string
		body               string
	}{
		{"just signed in (ALB)", "/danger", "application/json", issuer.Mint(alice).Header(), 200, "", "", "ok"},
		{"just signed in (bearer)", "/danger", "application/json", bearer(issuer.Mint(alice).AccessToken), 200, "", "", "ok"},
		{
			"an hour ago (ALB)", "/danger", "application/json", issuer.Mint(alice, ct.WithAccessClaim("auth_time", hourAgo)).Header(), 401, "sign_in_too_old",
			`error="insufficient_user_authentication"`, `"error":"sign_in_required"`,
		},
		{
			"an hour ago (bearer)", "/danger", "application/json", bearer(issuer.Mint(alice, ct.WithAccessClaim("auth_time", hourAgo)).AccessToken), 401, "sign_in_too_old",
			`max_age=300`, "",
		},
		{"no auth_time", "/danger", "application/json", bearer(issuer.Mint(alice, ct.WithAccessClaim("auth_time", ct.Without)).AccessToken), 401, "sign_in_too_old", "", ""},
		{"an hour ago, browser", "/danger", "text/html", issuer.Mint(alice, ct.WithAccessClaim("auth_time", hourAgo)).Header(), 401, "sign_in_too_old", "", "Sign in again"},
		{"an hour ago, a route without the rule", "/", "application/json", issuer.Mint(alice, ct.WithAccessClaim("auth_time", hourAgo)).Header(), 200, "", "", "ok"},
		{"just signed in, in AllOf", "/staff-recent", "application/json", issuer.Mint(alice).Header(), 200, "", "", "ok"},
		{"an hour ago, in AllOf", "/staff-recent", "application/json", issuer.Mint(alice, ct.WithAccessClaim("auth_time", hourAgo)).Header(), 401, "sign_in_too_old", "max_age=300", ""},
		{"an hour ago, in AnyOf", "/admins-or-recent", "application/json", issuer.Mint(alice, ct.WithAccessClaim("auth_time", hourAgo)).Header(), 401, "sign_in_too_old", "max_age=300", ""},
		{"an hour ago, and not an admin", "/recent-admins", "application/json", issuer.Mint(alice, ct.WithAccessClaim("auth_time", hourAgo)).Header(), 403, "route_forbidden", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+tt.path, nil)
			req.Header = tt.header
			req.Header.Set("Accept", tt.accept)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != tt.status || resp.Header.Get("X-Test-Code") != tt.code {
				t.Fatalf("%d %s, want %d %s", resp.StatusCode, resp.Header.Get("X-Test-Code"), tt.status, tt.code)
			}
			if !strings.Contains(resp.Header.Get("WWW-Authenticate"), tt.wwwAuth) || !strings.Contains(string(body), tt.body) {
				t.Fatalf("WWW-Authenticate %q body %q, want %q and %q", resp.Header.Get("WWW-Authenticate"), body, tt.wwwAuth, tt.body)
			}
		})
	}
}
