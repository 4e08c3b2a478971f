package hostedui_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// faults is a transport in front of real local servers that makes chosen
// endpoints (by URL path) fail the way a network does: an HTTP status, or no
// answer until the client gives up. fails counts the requests it failed.
type faults struct {
	mu    sync.Mutex
	paths map[string]int // path -> status to answer; hang for a hang
	left  map[string]int // path -> failures left (0: until cleared)
	fails map[string]int
}

const hang = -1

func newFaults() *faults {
	return &faults{paths: map[string]int{}, left: map[string]int{}, fails: map[string]int{}}
}

// set makes path fail with status (or hang) n times (0: until cleared).
func (f *faults) set(path string, status, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.paths[path], f.left[path] = status, n
}

func (f *faults) clear(path string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.paths, path)
}

func (f *faults) failed(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fails[path]
}

func (f *faults) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	status, ok := f.paths[r.URL.Path]
	if ok {
		f.fails[r.URL.Path]++
		if f.left[r.URL.Path] > 0 {
			if f.left[r.URL.Path]--; f.left[r.URL.Path] == 0 {
				delete(f.paths, r.URL.Path)
			}
		}
	}
	f.mu.Unlock()
	switch {
	case !ok:
		return http.DefaultTransport.RoundTrip(r)
	case status == hang:
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	return &http.Response{
		StatusCode: status, Status: http.StatusText(status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"text/plain"}}, Body: io.NopCloser(strings.NewReader("having a bad day")), Request: r,
	}, nil
}

// weatherApp is an app whose key fetches and token, revoke and userInfo
// calls go through f, against a stand-in that rotates refresh tokens with no
// grace period (Cognito's strictest setting) and issues 4 s tokens.
func weatherApp(t *testing.T, f *faults, vopts []core.VerifierOption, uiOpts ...cognitotest.HostedUIOption) *app {
	client := &http.Client{Transport: f, Timeout: time.Second}
	return newAppWithCore(t, append([]core.VerifierOption{core.WithHTTPClient(client)}, vopts...), nil,
		append([]cognitotest.HostedUIOption{cognitotest.WithTokenTTL(4 * time.Second), cognitotest.WithRefreshRotation(0)}, uiOpts...),
		hostedui.WithHTTPClient(client))
}

const jsonAccept = "application/json"

// answer is one response as a person or an API client sees it.
func (a *app) answer(b *browser, accept string) (status int, retryAfter, location string) {
	resp, _ := b.do(http.MethodGet, a.srv.URL+"/", nil, map[string]string{"Accept": accept})
	return resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("Location")
}

// TestTokenEndpointOutageKeepsTheSession: when the access token needs
// renewing and the token endpoint answers 5xx or nothing at all, the API
// client gets 503 with Retry-After and the browser a 503 page (not a
// redirect to sign in); the session is kept, and once the endpoint is back
// the same browser is let in without signing in again. (Before: 401
// session_expired, the browser sent to sign in.)
func TestTokenEndpointOutageKeepsTheSession(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault int
	}{{"HTTP 500", http.StatusInternalServerError}, {"HTTP 503", http.StatusServiceUnavailable}, {"no answer", hang}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFaults()
			a := weatherApp(t, f, nil)
			b := newBrowser(t)
			a.login(b, "/", "alice")
			time.Sleep(3200 * time.Millisecond) // within the refresh margin
			f.set("/oauth2/token", tc.fault, 0)
			if status, retry, _ := a.answer(b, jsonAccept); status != http.StatusServiceUnavailable || retry == "" {
				t.Fatalf("API client during the outage: %d (Retry-After %q); want 503 with Retry-After", status, retry)
			}
			if status, _, loc := a.answer(b, "text/html"); status != http.StatusServiceUnavailable {
				t.Fatalf("browser during the outage: %d %q; want the 503 page", status, loc)
			}
			f.clear("/oauth2/token")
			time.Sleep(1100 * time.Millisecond) // a failed refresh is retried after a second
			if status, _, loc := a.answer(b, "text/html"); status != http.StatusOK {
				t.Fatalf("after the token endpoint recovered: %d %q; want the same session let in", status, loc)
			}
			if n := a.ui.RefreshCalls(); n != 1 {
				t.Fatalf("%d refreshes reached the token endpoint, want 1", n)
			}
		})
	}
}

// TestKeyOutageDuringRefreshKeepsTheRotatedToken: Cognito rotated its
// signing key and the JWKS is down at the moment a session is renewed. The
// refresh succeeds — Cognito spends the old refresh token and issues a new
// one (rotation, no grace period) — but the new access token cannot be
// verified yet: the request gets 503, the new tokens are kept (in the
// cookie on that 503), and once the JWKS is back the session goes on
// without another refresh. (Before: 401, the rotated refresh token thrown
// away, and the session dead for good.)
func TestKeyOutageDuringRefreshKeepsTheRotatedToken(t *testing.T) {
	f := newFaults()
	a := weatherApp(t, f, nil)
	b := newBrowser(t)
	a.login(b, "/", "alice")
	if _, err := a.iss.RotateRSAKey(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3200 * time.Millisecond)
	f.set("/.well-known/jwks.json", http.StatusBadGateway, 0)
	resp, _ := b.do(http.MethodGet, a.srv.URL+"/", nil, map[string]string{"Accept": jsonAccept})
	if resp.StatusCode != http.StatusServiceUnavailable || len(resp.Cookies()) == 0 {
		t.Fatalf("refresh while the JWKS is down: %d with %d cookies; want 503 carrying the renewed session", resp.StatusCode, len(resp.Cookies()))
	}
	f.clear("/.well-known/jwks.json")
	time.Sleep(1100 * time.Millisecond) // the key source's backoff
	if status, _, loc := a.answer(b, "text/html"); status != http.StatusOK {
		t.Fatalf("after the JWKS recovered: %d %q", status, loc)
	}
	if n := a.ui.RefreshCalls(); n != 1 {
		t.Fatalf("%d refreshes: the rotated refresh token was lost and spent again", n)
	}
}

// TestRefusedRefreshTokenEndsTheSession: a refresh token Cognito refuses
// (invalid_grant: the user was signed out everywhere) ends the session —
// the browser is sent to sign in — and is never sent again.
func TestRefusedRefreshTokenEndsTheSession(t *testing.T) {
	f := newFaults()
	a := weatherApp(t, f, nil)
	b := newBrowser(t)
	a.login(b, "/", "alice")
	if n := a.ui.GlobalSignOut("alice"); n != 1 {
		t.Fatalf("GlobalSignOut ended %d sign-ins", n)
	}
	time.Sleep(3200 * time.Millisecond)
	if status, _, loc := a.answer(b, "text/html"); status != http.StatusFound || !strings.Contains(loc, hostedui.DefaultLoginPath) {
		t.Fatalf("after a global sign-out: %d %q; want the sign-in page", status, loc)
	}
	if status, _, _ := a.answer(b, jsonAccept); status != http.StatusUnauthorized {
		t.Fatalf("API client after a global sign-out: %d", status)
	}
	if n := a.ui.RefreshCalls(); n != 1 {
		t.Fatalf("the refused refresh token was sent %d times, want once", n)
	}
}

// TestPublicClientSignsInAndOut: an app client without a secret (the setup
// the docs present first) signs in, renews and signs out against a stand-in
// that, like Cognito, refuses an Authorization header from a public client
// and wants client_id in the body; sign-out revokes the refresh token.
// (Before: the code exchange sent "Authorization: Basic base64(id:)" and
// was refused, so a public client could never sign in.)
func TestPublicClientSignsInAndOut(t *testing.T) {
	a := newAppWithCore(t, nil, nil, []cognitotest.HostedUIOption{cognitotest.WithClientSecret(""), cognitotest.WithTokenTTL(4 * time.Second), cognitotest.WithRefreshRotation(0)},
		hostedui.WithClientSecret(""))
	b := newBrowser(t)
	a.login(b, "/", "alice")
	time.Sleep(3200 * time.Millisecond)
	if status, _, loc := a.answer(b, "text/html"); status != http.StatusOK || a.ui.RefreshCalls() != 1 {
		t.Fatalf("renewal for a public client: %d %q, %d refreshes", status, loc, a.ui.RefreshCalls())
	}
	_, form := b.do(http.MethodGet, a.srv.URL+hostedui.DefaultLogoutPath, nil, nil)
	csrf := between(form, `name="csrf" value="`, `"`)
	if resp, _ := b.do(http.MethodPost, a.srv.URL+hostedui.DefaultLogoutPath, url.Values{"csrf": {csrf}}, map[string]string{"Origin": a.srv.URL}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", resp.StatusCode)
	}
	if n := a.ui.LiveRefreshTokens(); n != 0 {
		t.Fatalf("%d refresh tokens still work after sign-out: the revocation was refused", n)
	}
}

// revokeEvents records the revoke events an observer hears.
type revokeEvents struct {
	core.NopObserver
	mu  sync.Mutex
	got []string
}

func (r *revokeEvents) ObserveSession(_ context.Context, e hostedui.SessionEvent) {
	if e.Kind == hostedui.SessionRevoke {
		r.mu.Lock()
		r.got = append(r.got, string(e.Outcome))
		r.mu.Unlock()
	}
}

func (r *revokeEvents) events() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

// TestRevokeIsRetriedAndReported: a revocation endpoint that fails at
// sign-out is retried (up to three tries), and observers hear how it ended:
// a refresh token that stays valid is an event, not only a log line.
func TestRevokeIsRetriedAndReported(t *testing.T) {
	for _, tc := range []struct {
		name     string
		failures int // 0: every try fails
		want     string
		live     int
	}{{"recovers on the third try", 2, string(core.OutcomeAllowed), 0}, {"never recovers", 0, string(core.OutcomeUnavailable), 1}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFaults()
			rec := &revokeEvents{}
			a := weatherApp(t, f, []core.VerifierOption{core.WithObserver(rec)})
			b := newBrowser(t)
			a.login(b, "/", "alice")
			f.set("/oauth2/revoke", http.StatusInternalServerError, tc.failures)
			_, form := b.do(http.MethodGet, a.srv.URL+hostedui.DefaultLogoutPath, nil, nil)
			csrf := between(form, `name="csrf" value="`, `"`)
			if resp, _ := b.do(http.MethodPost, a.srv.URL+hostedui.DefaultLogoutPath, url.Values{"csrf": {csrf}}, map[string]string{"Origin": a.srv.URL}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign-out: %d", resp.StatusCode)
			}
			if got := rec.events(); len(got) != 1 || got[0] != tc.want {
				t.Fatalf("revoke events %q, want [%s]", got, tc.want)
			}
			wantFailed := tc.failures
			if wantFailed == 0 {
				wantFailed = 3 // every try
			}
			if n := f.failed("/oauth2/revoke"); n != wantFailed {
				t.Fatalf("%d failed revoke tries, want %d", n, wantFailed)
			}
			if n := a.ui.LiveRefreshTokens(); n != tc.live {
				t.Fatalf("%d live refresh tokens after sign-out, want %d", n, tc.live)
			}
		})
	}
}

// TestParallelRequestsAfterExpiryRefreshOnce: a page whose six requests all
// arrive after the access token expired renews the session once, with
// rotation and no grace period, and every request is let in.
func TestParallelRequestsAfterExpiryRefreshOnce(t *testing.T) {
	f := newFaults()
	a := weatherApp(t, f, nil)
	b := newBrowser(t)
	a.login(b, "/", "alice")
	time.Sleep(3200 * time.Millisecond)
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, _, _ := a.answer(b, jsonAccept); status != http.StatusOK {
				errs <- errors.New(http.StatusText(status))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a parallel request after expiry: %v", err)
	}
	if n := a.ui.RefreshCalls(); n != 1 {
		t.Fatalf("%d refreshes for one page", n)
	}
}
