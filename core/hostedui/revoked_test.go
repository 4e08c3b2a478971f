package hostedui_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// TestRevokedSessionEnds: with revocation checks on, a user signed out
// everywhere (Cognito GlobalSignOut) loses the hosted-UI session at the
// next check after the interval: the request is refused, the session
// cookie cleared, and the browser sent to sign in again.
func TestRevokedSessionEnds(t *testing.T) {
	const every = time.Second
	a := newAppForUI(t, func(ui *cognitotest.HostedUI) []core.VerifierOption {
		return []core.VerifierOption{core.WithRevalidation(every, ui.URL())}
	}, nil, nil)
	b := newBrowser(t)
	a.login(b, "/", "alice")
	if resp, body := b.do(http.MethodGet, a.srv.URL+"/", nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("signed in: %d %s", resp.StatusCode, body)
	}
	if n := a.ui.GlobalSignOut("alice"); n != 1 {
		t.Fatalf("GlobalSignOut ended %d sign-ins, want 1", n)
	}
	revoked := time.Now()
	var resp *http.Response
	for deadline := time.Now().Add(3 * every); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, _ = b.do(http.MethodGet, a.srv.URL+"/", nil, nil); resp.StatusCode != http.StatusOK {
			break
		}
	}
	if resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), hostedui.DefaultLoginPath) {
		t.Fatalf("after a global sign-out: %d %q, want a redirect to sign in", resp.StatusCode, resp.Header.Get("Location"))
	}
	if took := time.Since(revoked); took > every+time.Second {
		t.Fatalf("the session ended %v after the sign-out, want within the interval %v", took, every)
	}
	cleared := false
	for _, c := range resp.Cookies() {
		if strings.HasPrefix(c.Name, "__Host-") || strings.Contains(c.Name, "session") {
			cleared = cleared || c.MaxAge < 0
		}
	}
	if !cleared {
		t.Fatalf("the revoked session's cookie was not cleared: %v", resp.Cookies())
	}
	t.Logf("global sign-out to the session's end: %v (interval %v)", time.Since(revoked).Round(10*time.Millisecond), every)
}

// TestExtendNeedsAStore: a cookie session cannot be renewed without a
// response to carry the cookie, so Extend refuses to start.
func TestExtendNeedsAStore(t *testing.T) {
	a := newApp(t, nil)
	ctx := cognitotest.ContextWithUser(t.Context(), core.MockUser("alice@example.com"))
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.srv.URL+"/", nil)
	if _, _, err := a.h.Extend(ctx, core.HTTPRequest(req)); !errors.Is(err, hostedui.ErrExtendNeedsStore) {
		t.Fatalf("Extend of a cookie session: %v, want ErrExtendNeedsStore", err)
	}
}
