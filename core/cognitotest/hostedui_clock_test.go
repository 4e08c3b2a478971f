package cognitotest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a test's hand-moved time for the hosted UI.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const clockCallback = "https://app.example.com/cb"

// startClocked starts a public client's hosted UI on a hand-moved clock.
func startClocked(t *testing.T, opts ...HostedUIOption) (*HostedUI, *clock) {
	c := &clock{t: time.Now()}
	h := Start(t).NewHostedUI("", append([]HostedUIOption{WithRedirectURIs(clockCallback)}, opts...)...)
	h.now = c.now // before the server starts: no request reads it earlier
	h.srv = httptest.NewServer(h.Handler())
	h.baseURL = h.srv.URL
	t.Cleanup(h.Close)
	return h, c
}

// send posts form to the hosted UI (a public client's request when path is
// the token endpoint), without following redirects.
func send(t *testing.T, h *HostedUI, path string, form url.Values) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, h.URL()+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

type answer struct {
	status       int
	Error        string `json:"error"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

// tokenRequest is a public client's token request.
func tokenRequest(t *testing.T, h *HostedUI, form url.Values) answer {
	t.Helper()
	form.Set("client_id", h.iss.ClientID())
	resp := send(t, h, "/oauth2/token", form)
	var a answer
	_ = json.NewDecoder(resp.Body).Decode(&a)
	a.status = resp.StatusCode
	return a
}

// signInCode signs alice in through the login form (no PKCE) and returns the code.
func signInCode(t *testing.T, h *HostedUI) string {
	t.Helper()
	resp := send(t, h, "/login", url.Values{
		"response_type": {"code"}, "client_id": {h.iss.ClientID()}, "redirect_uri": {clockCallback}, "scope": {"openid"},
		"username": {"alice"}, "password": {DefaultPassword},
	})
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc.Query().Get("code") == "" {
		t.Fatalf("sign-in: %d %s", resp.StatusCode, loc)
	}
	return loc.Query().Get("code")
}

func redeem(t *testing.T, h *HostedUI, c string) answer {
	t.Helper()
	return tokenRequest(t, h, url.Values{"grant_type": {"authorization_code"}, "code": {c}, "redirect_uri": {clockCallback}})
}

// TestCodeLivesFiveMinutes: a code redeems until five minutes after the
// sign-in, then fails with invalid_grant.
func TestCodeLivesFiveMinutes(t *testing.T) {
	h, clk := startClocked(t)
	early, late := signInCode(t, h), signInCode(t, h)
	clk.advance(codeTTL - time.Second)
	if a := redeem(t, h, early); a.status != http.StatusOK {
		t.Fatalf("at 4m59s: %+v", a)
	}
	clk.advance(time.Second)
	if a := redeem(t, h, late); a.status != http.StatusBadRequest || a.Error != "invalid_grant" {
		t.Fatalf("at 5m: %+v", a)
	}
}

// TestRotatedTokenAfterGrace: a rotated-out refresh token refreshes until
// the grace period after its first use is over (a retry does not extend
// it), then fails with invalid_grant; its successor keeps working.
func TestRotatedTokenAfterGrace(t *testing.T) {
	const grace = 10 * time.Second
	h, clk := startClocked(t, WithRefreshRotation(grace))
	rt1 := redeem(t, h, signInCode(t, h)).RefreshToken
	refresh := func(rt string) answer {
		return tokenRequest(t, h, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	}
	rt2 := refresh(rt1).RefreshToken
	clk.advance(grace - time.Second)
	if a := refresh(rt1); a.status != http.StatusOK || a.RefreshToken == "" {
		t.Fatalf("retry 9s after the first use: %+v", a)
	}
	if n := h.LiveRefreshTokens(); n != 3 {
		t.Fatalf("live refresh tokens in the grace period: %d", n)
	}
	clk.advance(time.Second)
	if a := refresh(rt1); a.status != http.StatusBadRequest || a.Error != "invalid_grant" {
		t.Fatalf("retry 10s after the first use: %+v", a)
	}
	if n := h.LiveRefreshTokens(); n != 2 {
		t.Fatalf("live refresh tokens after the grace period: %d", n)
	}
	if a := refresh(rt2); a.status != http.StatusOK || a.RefreshToken == "" || a.RefreshToken == rt2 {
		t.Fatalf("the successor after the grace period: %+v", a)
	}
}

// TestAccessTokenExpiresAtUserInfo: userInfo refuses an expired access token.
func TestAccessTokenExpiresAtUserInfo(t *testing.T) {
	h, clk := startClocked(t, WithTokenTTL(time.Minute))
	at := redeem(t, h, signInCode(t, h)).AccessToken
	ask := func() int {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, h.URL()+"/oauth2/userInfo", nil)
		req.Header.Set("Authorization", "Bearer "+at)
		resp, err := h.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	if got := ask(); got != http.StatusOK {
		t.Fatalf("fresh: %d", got)
	}
	clk.advance(time.Minute)
	if got := ask(); got != http.StatusUnauthorized {
		t.Fatalf("expired: %d", got)
	}
}
