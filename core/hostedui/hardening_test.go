package hostedui_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// TestIDTokenKeyFetchNeverFollowsRedirects: the app's JWKS URL redirects to
// the key server of the issuer whose hosted UI signed the user in. Were the
// redirect followed, its keys would verify the ID token; the callback must
// instead fail closed with 503 and no session.
func TestIDTokenKeyFetchNeverFollowsRedirects(t *testing.T) {
	// The target is known only once the app (and its issuer) exists, and the
	// app may fetch keys in the background as soon as it is built.
	var target atomic.Pointer[string]
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		to := "http://127.0.0.1:1/unset"
		if p := target.Load(); p != nil {
			to = *p
		}
		http.Redirect(w, r, to, http.StatusFound)
	}))
	t.Cleanup(redirect.Close)
	a := newAppWithCore(t, []core.VerifierOption{core.WithJWKSURL(redirect.URL + "/.well-known/jwks.json")}, nil, nil)
	jwks := a.iss.JWKSURL()
	target.Store(&jwks)
	before := a.iss.JWKSFetches()
	b := newBrowser(t)
	resp, _ := b.do(http.MethodGet, a.srv.URL+"/", nil, nil)
	resp, _ = b.do(http.MethodGet, abs(a.srv.URL, resp.Header.Get("Location")), nil, nil)
	authz := resp.Header.Get("Location")
	q, _ := url.Parse(authz)
	f := q.Query()
	f.Set("username", "alice")
	f.Set("password", cognitotest.DefaultPassword)
	resp, _ = b.do(http.MethodPost, a.ui.URL()+"/login", f, nil)
	cb := resp.Header.Get("Location")
	if !strings.HasPrefix(cb, a.srv.URL+hostedui.DefaultCallbackPath) {
		t.Fatalf("hosted UI did not send the browser back to the callback: %d %q", resp.StatusCode, cb)
	}
	resp, body := b.do(http.MethodGet, cb, nil, nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("callback with a redirecting JWKS: %d %q; want 503", resp.StatusCode, body)
	}
	if a.iss.JWKSFetches() != before {
		t.Fatal("the JWKS redirect was followed")
	}
	if resp, _ = b.do(http.MethodGet, a.srv.URL+"/", nil, nil); resp.StatusCode != http.StatusFound {
		t.Fatalf("a session was created: %d", resp.StatusCode)
	}
}

// TestStrayALBHeadersWithSession: in hosted-UI mode (no ALB configured) a
// signed-in browser that also sends x-amzn-oidc-* headers is refused with
// 401, never a 500: the client chose those headers.
func TestStrayALBHeadersWithSession(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t)
	back, _ := a.login(b, "/", "alice")
	if resp, _ := b.do(http.MethodGet, a.srv.URL+back, nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("signed in: %d", resp.StatusCode)
	}
	h := a.iss.Mint(cognitotest.User{Email: "root@example.com", Groups: []string{"admins"}})
	all := map[string]string{core.HeaderData: h.Data, core.HeaderAccessToken: h.AccessToken, core.HeaderIdentity: h.Identity}
	api := map[string]string{"Accept": "application/json"}
	for k, v := range all {
		api[k] = v
	}
	if resp, body := b.do(http.MethodGet, a.srv.URL+"/", nil, api); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("all three headers, API client: status %d body %q; want 401", resp.StatusCode, body)
	}
	// A browser is sent to log in, as for any token refused (401 class).
	if resp, _ := b.do(http.MethodGet, a.srv.URL+"/", nil, all); resp.StatusCode != http.StatusFound ||
		!strings.Contains(resp.Header.Get("Location"), hostedui.DefaultLoginPath) {
		t.Fatalf("all three headers, browser: status %d %q; want the login redirect", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Only some of them: an incomplete header set, so the browser is sent
	// to log in (missing_data_token), still never a 5xx.
	resp, _ := b.do(http.MethodGet, a.srv.URL+"/", nil, map[string]string{core.HeaderIdentity: h.Identity})
	if resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), hostedui.DefaultLoginPath) {
		t.Fatalf("identity header only: status %d %q; want the login redirect", resp.StatusCode, resp.Header.Get("Location"))
	}
}
