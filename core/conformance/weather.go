package conformance

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// keySwitch is the transport of key fetches: it passes them on, or while
// down answers 502 as a failing key server does.
type keySwitch struct{ down atomic.Bool }

func (k *keySwitch) RoundTrip(r *http.Request) (*http.Response, error) {
	if !k.down.Load() {
		return http.DefaultTransport.RoundTrip(r)
	}
	return &http.Response{
		StatusCode: http.StatusBadGateway, Status: "502 Bad Gateway", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Body: io.NopCloser(strings.NewReader("bad gateway")), Request: r,
	}, nil
}

// keyOutageDuringRefresh: Cognito rotates its signing key and the JWKS is
// down when a session is renewed. Cognito rotates refresh tokens with no
// grace period, so the refresh token is spent: the adapter must answer 503
// and carry the renewed session cookies on that 503, and after the JWKS
// recovers the same browser is let in without another refresh.
func keyOutageDuringRefresh(t *testing.T, driver HostedUIDriver) {
	keys := &keySwitch{}
	env := startHostedUI(t, driver, setup{ttl: 4 * time.Second, ui: []ct.HostedUIOption{ct.WithRefreshRotation(0)}, keys: keys})
	do := browserClient(t)
	cookie := env.SignIn(t, "alice")
	if _, err := env.iss.RotateRSAKey(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3200 * time.Millisecond) // within the refresh margin (1 s for 4 s tokens)
	keys.down.Store(true)
	resp, _ := do(http.MethodGet, env.URL+"/", nil, map[string]string{"Accept": "application/json", "Cookie": cookie})
	renewed := resp.Header.Values("Set-Cookie")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || len(renewed) == 0 {
		t.Fatalf("refresh while the JWKS is down: %d, Retry-After %q, %d Set-Cookie; want 503 with Retry-After carrying the renewed session",
			resp.StatusCode, resp.Header.Get("Retry-After"), len(renewed))
	}
	keys.down.Store(false)
	time.Sleep(1100 * time.Millisecond) // the key source's backoff
	resp, body := do(http.MethodGet, env.URL+"/", nil, map[string]string{"Accept": "application/json", "Cookie": cookieHeader(renewed)})
	if resp.StatusCode != http.StatusOK || body != "hello alice@example.com" {
		t.Fatalf("with the renewed cookies after the JWKS recovered: %d %q", resp.StatusCode, body)
	}
	if n := env.UI.RefreshCalls(); n != 1 {
		t.Fatalf("%d refreshes: the renewed refresh token did not reach the browser", n)
	}
}

// cookieHeader is the Cookie header a browser sends after receiving
// setCookies (live cookies only).
func cookieHeader(setCookies []string) string {
	var parts []string
	for _, line := range setCookies {
		c, err := http.ParseSetCookie(line)
		if err == nil && c.MaxAge >= 0 && c.Value != "" {
			parts = append(parts, c.Name+"="+c.Value)
		}
	}
	return strings.Join(parts, "; ")
}
