package redisstore_test

import (
	"bufio"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// stream is a long-lived handler that opts in to renewal (hostedui
// Extend): a line every 200 ms, and "end: sign-in expired" when the
// extended context ends because the session could not be renewed.
func stream(w http.ResponseWriter, r *http.Request, base *core.BaseAuth, h *hostedui.HostedUI) {
	u, err := base.Authenticate(r.Context(), core.HTTPExchange(w, r))
	if err != nil {
		f := base.Failure(core.HTTPRequest(r), err)
		f.Write(w)
		return
	}
	// As an adapter's middleware gives it: bounded by the credential.
	ctx, done := core.UntilCredentialEnd(cognitotest.ContextWithUser(r.Context(), u))
	defer done()
	ctx, cancel, err := h.Extend(ctx, core.HTTPRequest(r))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer cancel()
	rc := http.NewResponseController(w)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			if core.CredentialExpired(ctx) {
				_, _ = fmt.Fprintln(w, "end: sign-in expired")
			}
			return
		case <-tick.C:
			_, _ = fmt.Fprintf(w, "tick %d %s\n", n, u.Email)
			_ = rc.Flush()
		}
	}
}

// TestExtendKeepsALiveConnection: a stream of a Redis-backed hosted-UI
// session that opted in to renewal outlives several 3 s access tokens
// (the session renewed in the store, once per lifetime), and ends "sign-in
// expired" at the first renewal after the user is signed out everywhere.
func TestExtendKeepsALiveConnection(t *testing.T) {
	const ttl = 3 * time.Second
	_, _, _, ui, a, _ := setup(t, cognitotest.WithTokenTTL(ttl))
	c := login(t, a.srv.URL, ui)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, a.srv.URL+"/stream", nil)
	for _, ck := range c.cookies(a.srv.URL) {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	start := time.Now()
	refreshes := ui.RefreshCalls()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var last string
	signedOut := time.Time{}
	for line := range lines {
		last = line
		if signedOut.IsZero() && time.Since(start) > 3*ttl {
			if n := ui.RefreshCalls() - refreshes; n < 2 || n > 4 {
				t.Fatalf("%d refreshes in %v of 3 s tokens, want one per lifetime", n, time.Since(start))
			}
			ui.GlobalSignOut("alice")
			signedOut = time.Now()
		}
		if time.Since(start) > 8*ttl {
			t.Fatal("the stream outlived the sign-out by far")
		}
	}
	if signedOut.IsZero() {
		t.Fatalf("the stream ended after %v, before three token lifetimes (last line %q)", time.Since(start), last)
	}
	if last != "end: sign-in expired" {
		t.Fatalf("the stream ended with %q, want the sign-in expired", last)
	}
	took := time.Since(signedOut)
	if took > ttl+2*time.Second {
		t.Fatalf("the stream ended %v after the sign-out, want at the next renewal (within a token lifetime)", took)
	}
	t.Logf("lived %v over 3 s tokens (%d refreshes), ended %v after the global sign-out", time.Since(start).Round(100*time.Millisecond), ui.RefreshCalls()-refreshes, took.Round(100*time.Millisecond))
	if !strings.HasPrefix(last, "end:") {
		t.Fatal(last)
	}
}
