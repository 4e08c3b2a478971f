package hostedui_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// adminRoute serves /admin for the group admins only, refusing with core's
// Failure.
func (a *app) adminRoute() {
	a.mux.HandleFunc("/admin", func(w http.ResponseWriter, r *http.Request) {
		if _, err := a.base.Authenticate(r.Context(), core.HTTPExchange(w, r), core.AllowGroups("admins")); err != nil {
			f := a.base.Failure(core.HTTPRequest(r), err)
			f.Write(w)
			return
		}
		_, _ = w.Write([]byte("admin"))
	})
}

// TestRefusedUserCanActOnThePage: a signed-in user refused by a route rule
// sees who they are signed in as, a Sign out link to the sign-out
// confirmation (whose Cancel comes back) and a way back to the start;
// signing out ends on the signed-out notice, once.
func TestRefusedUserCanActOnThePage(t *testing.T) {
	a := newApp(t, nil)
	a.adminRoute()
	b := newBrowser(t)
	a.login(b, "/", "alice")

	resp, body := b.do(http.MethodGet, a.srv.URL+"/admin", nil, nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Signed in as <strong>alice@example.com</strong>") ||
		!strings.Contains(body, "only for some users or groups") {
		t.Fatalf("403 page: %d\n%s", resp.StatusCode, body)
	}
	signOut := between(body, `id="signout-link" href="`, `"`)
	if signOut != "/logout/cognito?rd=%2Fadmin" || between(body, `id="start" href="`, `"`) != "/" {
		t.Fatalf("links: sign out %q, start %q", signOut, between(body, `id="start" href="`, `"`))
	}
	if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe") || !strings.Contains(csp, "style-src 'sha256-") {
		t.Fatalf("CSP %q", csp)
	}

	// The sign-out confirmation: who, the form, and Cancel back to /admin.
	resp, body = b.do(http.MethodGet, abs(a.srv.URL, signOut), nil, nil)
	if resp.StatusCode != http.StatusOK || between(body, `id="cancel" href="`, `"`) != "/admin" ||
		!strings.Contains(body, `id="signout"`) || !strings.Contains(body, "Signed in as <strong>alice@example.com</strong>") {
		t.Fatalf("sign-out page: %d\n%s", resp.StatusCode, body)
	}
	for _, rd := range []string{"//evil.example", "https://evil.example/", "/\\evil"} {
		if _, body := b.do(http.MethodGet, a.srv.URL+hostedui.DefaultLogoutPath+"?rd="+url.QueryEscape(rd), nil, nil); between(body, `id="cancel" href="`, `"`) != "/" {
			t.Fatalf("Cancel for rd=%q goes to %q", rd, between(body, `id="cancel" href="`, `"`))
		}
	}

	// Sign out: the hosted UI's logout returns to the app, which sends the
	// browser to sign in, where the notice shows, once.
	csrf := between(body, `name="csrf" value="`, `"`)
	resp, _ = b.do(http.MethodPost, a.srv.URL+hostedui.DefaultLogoutPath, url.Values{"csrf": {csrf}}, map[string]string{"Origin": a.srv.URL})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	resp, _ = b.do(http.MethodGet, resp.Header.Get("Location"), nil, nil) // Cognito's /logout
	resp, _ = b.do(http.MethodGet, resp.Header.Get("Location"), nil, nil) // the logout URI: the app's "/"
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("the app after sign-out: %d", resp.StatusCode)
	}
	login := abs(a.srv.URL, resp.Header.Get("Location"))
	resp, body = b.do(http.MethodGet, login, nil, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `role="status">You have been signed out.`) ||
		between(body, `id="signin-link" href="`, `"`) != "/login/cognito?rd=%2F" {
		t.Fatalf("signed-out notice: %d\n%s", resp.StatusCode, body)
	}
	if resp, _ = b.do(http.MethodGet, login, nil, nil); resp.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(resp.Header.Get("Location"), a.ui.URL()+"/oauth2/authorize") {
		t.Fatalf("the notice shows once; then: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestPagesReplaced: an app's renderers replace core's refusal page and
// the hosted UI's sign-out page; kinds they leave (nil) keep the
// library's; the app's <style> is allowed by its hash.
func TestPagesReplaced(t *testing.T) {
	render := func(p core.Page) []byte {
		if p.Kind != core.PageRefusal && p.Kind != core.PageSignOut {
			return nil
		}
		return []byte("<!doctype html><style>h1{color:teal}</style><h1>" + p.Title + "</h1>" + p.SignedInAs + " " + p.LinkURL(core.LinkSignOut) + p.LinkURL(core.LinkCancel))
	}
	a := newAppWithCore(t, nil, []core.Option{core.WithPages(render)}, nil, hostedui.WithPages(render))
	a.adminRoute()
	b := newBrowser(t)
	a.login(b, "/", "alice")
	resp, body := b.do(http.MethodGet, a.srv.URL+"/admin", nil, nil)
	if resp.StatusCode != http.StatusForbidden || body != "<!doctype html><style>h1{color:teal}</style><h1>Access denied</h1>alice@example.com /logout/cognito?rd=%2Fadmin" {
		t.Fatalf("refusal: %d %s", resp.StatusCode, body)
	}
	sum := sha256.Sum256([]byte("h1{color:teal}"))
	if csp := resp.Header.Get("Content-Security-Policy"); csp != "default-src 'none'; style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'; base-uri 'none'; frame-ancestors 'none'" {
		t.Fatalf("CSP %q", csp)
	}
	if _, body = b.do(http.MethodGet, a.srv.URL+hostedui.DefaultLogoutPath+"?rd=/x", nil, nil); !strings.HasSuffix(body, "alice@example.com /x") {
		t.Fatalf("sign-out page: %s", body)
	}
	if resp, body = b.do(http.MethodGet, a.srv.URL+hostedui.DefaultCallbackPath, nil, nil); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="signin-link"`) {
		t.Fatalf("a kind the app leaves (sign-in failed): %d %s", resp.StatusCode, body)
	}
}
