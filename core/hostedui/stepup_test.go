package hostedui_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// TestStepUpSignsInAgain: a route that needs a recent sign-in sends a
// browser whose sign-in is older through a fresh sign-in — out of
// Cognito's session (its /logout with the sign-in parameters), the sign-in
// form, the callback — and back to the same page, which then opens. A
// refresh does not count as a sign-in: refreshed tokens keep auth_time.
func TestStepUpSignsInAgain(t *testing.T) {
	const recent = 3 * time.Second
	a := newApp(t, []cognitotest.HostedUIOption{cognitotest.WithTokenTTL(4 * time.Second)})
	a.mux.HandleFunc("/danger", func(w http.ResponseWriter, r *http.Request) {
		u, err := a.base.Authenticate(r.Context(), core.HTTPExchange(w, r), core.RequireRecentSignIn(recent))
		if err != nil {
			w.Header().Set("X-Test-Code", string(core.CodeOf(err)))
			f := a.base.Failure(core.HTTPRequest(r), err)
			f.Write(w)
			return
		}
		_, _ = io.WriteString(w, "deleted by "+u.Email)
	})
	b := newBrowser(t)
	a.login(b, "/", "alice")
	if resp, body := b.do(http.MethodGet, a.srv.URL+"/danger?project=7", nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("just signed in: %d %s", resp.StatusCode, body)
	}
	time.Sleep(recent + 500*time.Millisecond) // the 4 s token is refreshed on the way: auth_time stays
	resp, _ := b.do(http.MethodGet, a.srv.URL+"/danger?project=7", nil, nil)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.Contains(loc, "fresh=1") || !strings.Contains(loc, url.QueryEscape("/danger?project=7")) {
		t.Fatalf("an old sign-in: %d %q, want a redirect to a fresh sign-in returning to the page", resp.StatusCode, loc)
	}
	resp, _ = b.do(http.MethodGet, abs(a.srv.URL, loc), nil, nil)
	out, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || out.Path != "/logout" || out.Query().Get("redirect_uri") != a.srv.URL+hostedui.DefaultCallbackPath ||
		out.Query().Get("code_challenge") == "" || out.Query().Get("state") == "" {
		t.Fatalf("fresh login route: %d %s, want Cognito's /logout with the sign-in parameters", resp.StatusCode, out)
	}
	resp, _ = b.do(http.MethodGet, out.String(), nil, nil)
	authz := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(authz, a.ui.URL()+"/oauth2/authorize") {
		t.Fatalf("Cognito /logout: %d %q, want the sign-in page", resp.StatusCode, authz)
	}
	resp, form := b.do(http.MethodGet, authz, nil, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(form, "password") {
		t.Fatalf("sign-in form: %d", resp.StatusCode)
	}
	q, _ := url.Parse(authz)
	f := q.Query()
	f.Set("username", "alice")
	f.Set("password", cognitotest.DefaultPassword)
	resp, _ = b.do(http.MethodPost, a.ui.URL()+"/login", f, nil)
	resp, _ = b.do(http.MethodGet, resp.Header.Get("Location"), nil, nil)
	if back := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || back != "/danger?project=7" {
		t.Fatalf("callback: %d %q, want back to /danger?project=7", resp.StatusCode, back)
	}
	if resp, body := b.do(http.MethodGet, a.srv.URL+"/danger?project=7", nil, nil); resp.StatusCode != http.StatusOK || body != "deleted by alice@example.com" {
		t.Fatalf("after the fresh sign-in: %d %q", resp.StatusCode, body)
	}
}
