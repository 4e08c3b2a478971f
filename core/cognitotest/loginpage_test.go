package cognitotest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// TestLoginPageForPeople: the stand-in's sign-in page has labelled fields
// with autocomplete, an alert region that holds the error, the demo users
// with their password and a one-click sign-in each (which works), and the
// page headers core's pages have.
func TestLoginPageForPeople(t *testing.T) {
	f, _ := newFlow(t)
	q := url.Values{"response_type": {"code"}, "client_id": {cognitotest.DefaultClientID}, "redirect_uri": {callback}, "state": {"st"}}
	resp, page := f.do(http.MethodGet, f.ui.URL()+"/oauth2/authorize?"+q.Encode(), nil, false)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("authorize: %d", resp.StatusCode)
	}
	for _, want := range []string{
		`<label for="username">`, `<input id="username" name="username" autocomplete="username"`,
		`<label for="password">`, `<input id="password" name="password" type="password" autocomplete="current-password"`,
		`<button id="signin" type="submit">Sign in</button>`, `<div id="error" class="error" role="alert"></div>`,
		`<strong>alice</strong><br><small>alice@example.com · staff</small>`, `<strong>root</strong><br><small>root@example.com · staff, admins</small>`,
		`<code id="demo-password">` + cognitotest.DefaultPassword + `</code>`, `aria-label="Sign in as root"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'sha256-") || strings.Contains(page, "<script") ||
		resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("headers: %v", resp.Header)
	}
	// A wrong password: the message in the alert region, the username kept.
	bad := url.Values{"response_type": {"code"}, "client_id": {cognitotest.DefaultClientID}, "redirect_uri": {callback}, "username": {"alice"}, "password": {"nope"}}
	if _, page = f.do(http.MethodPost, f.ui.URL()+"/login", bad, false); !strings.Contains(page, `role="alert">Incorrect username or password.</div>`) ||
		!strings.Contains(page, `value="alice"`) {
		t.Fatalf("wrong password page:\n%s", page)
	}
	// The one-click sign-in posts the authorize request with the user and
	// password: back to the callback with a code.
	one := q
	one.Set("username", "root")
	one.Set("password", cognitotest.DefaultPassword)
	if !strings.Contains(page, `<input type="hidden" name="username" value="root"><input type="hidden" name="password" value="`+cognitotest.DefaultPassword+`">`) {
		t.Fatal("no one-click sign-in for root")
	}
	resp, _ = f.do(http.MethodPost, f.ui.URL()+"/login", one, false)
	if loc, _ := url.Parse(resp.Header.Get("Location")); resp.StatusCode != http.StatusFound || loc.Query().Get("code") == "" {
		t.Fatalf("one-click sign-in: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}
