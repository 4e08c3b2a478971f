package hostedui_test

import (
	"errors"
	"fmt"
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

// apiStatus fetches "/" as an API client and returns the status and code.
func (a *app) apiStatus(b *browser) int {
	resp, _ := b.do(http.MethodGet, a.srv.URL+"/", nil, map[string]string{"Accept": "application/json"})
	return resp.StatusCode
}

func TestCallbackHostile(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t)
	_, cb := a.login(b, "/", "alice")
	good, _ := url.Parse(cb)

	// Replayed callback: the login state is single-use.
	if resp, _ := b.do(http.MethodGet, cb, nil, nil); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("replayed callback: %d", resp.StatusCode)
	}
	// Missing state cookie (another browser).
	if resp, _ := newBrowser(t).do(http.MethodGet, cb, nil, nil); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("callback without a login in progress: %d", resp.StatusCode)
	}
	// Forged state: a login is in progress but the state differs.
	c := newBrowser(t)
	c.do(http.MethodGet, a.srv.URL+hostedui.DefaultLoginPath, nil, nil) // a login in progress
	forged := a.srv.URL + hostedui.DefaultCallbackPath + "?code=" + good.Query().Get("code") + "&state=forged"
	if resp, _ := c.do(http.MethodGet, forged, nil, nil); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("forged state: %d", resp.StatusCode)
	}
	// Code replay: a fresh login's state with an already used code.
	resp, _ := c.do(http.MethodGet, a.srv.URL+hostedui.DefaultLoginPath, nil, nil)
	authz, _ := url.Parse(resp.Header.Get("Location"))
	replay := a.srv.URL + hostedui.DefaultCallbackPath + "?code=" + good.Query().Get("code") + "&state=" + authz.Query().Get("state")
	if resp, _ := c.do(http.MethodGet, replay, nil, nil); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("code replay: %d", resp.StatusCode)
	}
	if c.apiStatus(a) != http.StatusUnauthorized {
		t.Fatal("a refused callback left a session")
	}
	// Error from the hosted UI.
	resp, _ = c.do(http.MethodGet, a.srv.URL+hostedui.DefaultLoginPath, nil, nil)
	authz, _ = url.Parse(resp.Header.Get("Location"))
	denied := a.srv.URL + hostedui.DefaultCallbackPath + "?error=access_denied&state=" + authz.Query().Get("state")
	if resp, _ := c.do(http.MethodGet, denied, nil, nil); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("error callback: %d", resp.StatusCode)
	}
}

// TestWrongPKCEVerifier: a code issued for another code challenge (as an
// attacker injecting their own code would have) does not exchange.
func TestWrongPKCEVerifier(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t)
	resp, _ := b.do(http.MethodGet, a.srv.URL+hostedui.DefaultLoginPath, nil, nil)
	authz, _ := url.Parse(resp.Header.Get("Location"))
	f := authz.Query()
	f.Set("code_challenge", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") // not this login's challenge
	f.Set("username", "alice")
	f.Set("password", cognitotest.DefaultPassword)
	resp, _ = b.do(http.MethodPost, a.ui.URL()+"/login", f, nil)
	if resp, _ = b.do(http.MethodGet, resp.Header.Get("Location"), nil, nil); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("code bound to another PKCE challenge: %d", resp.StatusCode)
	}
	if b.apiStatus(a) != http.StatusUnauthorized {
		t.Fatal("session created")
	}
}

func (b *browser) apiStatus(a *app) int { return a.apiStatus(b) }

func TestIDTokenChecks(t *testing.T) {
	a := newApp(t, nil)
	u := cognitotest.User{Email: "alice@example.com"}
	cases := []struct {
		tok, nonce string
		want       core.Code
	}{
		{a.iss.MintIDToken(u, cognitotest.DefaultClientID, "n1", time.Hour), "n2", core.CodeNonceMismatch},
		{a.iss.MintIDToken(u, "anotherclient", "n1", time.Hour), "n1", core.CodeAudienceMismatch},
		{a.iss.MintIDToken(u, cognitotest.DefaultClientID, "n1", -time.Hour), "n1", core.CodeTokenExpired},
		{a.iss.Mint(u).AccessToken, "", core.CodeAudienceMismatch},
	}
	for i, tc := range cases {
		_, err := a.v.VerifyIDToken(t.Context(), tc.tok, tc.nonce)
		if core.CodeOf(err) != tc.want {
			t.Errorf("case %d: %v, want %s", i, err, tc.want)
		}
	}
	if c, err := a.v.VerifyIDToken(t.Context(), a.iss.MintIDToken(u, cognitotest.DefaultClientID, "n1", time.Hour), "n1"); err != nil || c.Email != u.Email {
		t.Fatalf("valid ID token: %v %v", c, err)
	}
}

func TestOpenRedirects(t *testing.T) {
	a := newApp(t, nil)
	for _, rd := range []string{"//evil.com", "/\\evil.com", "https://evil.com", "javascript:alert(1)", "/a\r\nLocation: https://evil.com", "evil.com", "%2F%2Fevil.com"} {
		b := newBrowser(t)
		resp, _ := b.do(http.MethodGet, a.srv.URL+hostedui.DefaultLoginPath+"?rd="+url.QueryEscape(rd), nil, nil)
		authz, _ := url.Parse(resp.Header.Get("Location"))
		f := authz.Query()
		f.Set("username", "alice")
		f.Set("password", cognitotest.DefaultPassword)
		resp, _ = b.do(http.MethodPost, a.ui.URL()+"/login", f, nil)
		resp, _ = b.do(http.MethodGet, resp.Header.Get("Location"), nil, nil)
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("rd=%q: after login went to %q", rd, loc)
		}
	}
}

// sessionCookies returns the session cookie chunks the browser holds.
func sessionCookies(b *browser, a *app) []*http.Cookie {
	u, _ := url.Parse(a.srv.URL)
	var out []*http.Cookie
	for _, c := range b.jar.Cookies(u) {
		if strings.HasPrefix(c.Name, "cognito-session.") {
			out = append(out, c)
		}
	}
	return out
}

// withCookies fetches "/" as an API client sending exactly these cookies.
func withCookies(t *testing.T, a *app, cookies []*http.Cookie) int {
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, a.srv.URL+"/", nil)
	req.Header.Set("Accept", "application/json")
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestCookieTampering(t *testing.T) {
	a := newApp(t, nil)
	alice, bob := newBrowser(t), newBrowser(t)
	a.login(alice, "/", "alice")
	a.login(bob, "/", "root")
	ac := sessionCookies(alice, a)
	bc := sessionCookies(bob, a)
	if withCookies(t, a, ac) != http.StatusOK {
		t.Fatal("the genuine cookie is refused")
	}
	flip := func(c *http.Cookie, i int) *http.Cookie {
		v := []byte(c.Value)
		v[i] ^= 0x01
		if v[i] == '.' || v[i] == ' ' {
			v[i] = 'A'
		}
		return &http.Cookie{Name: c.Name, Value: string(v)}
	}
	cases := map[string][]*http.Cookie{
		"bit flip at the start": {flip(ac[0], 5)},
		"bit flip at the end":   {flip(ac[0], len(ac[0].Value)-3)},
		"truncated":             {{Name: ac[0].Name, Value: ac[0].Value[:len(ac[0].Value)/2]}},
		"empty":                 {{Name: ac[0].Name, Value: ""}},
		"not base64":            {{Name: ac[0].Name, Value: "!!!"}},
		"renamed cookie":        {{Name: "cognito-login.0", Value: ac[0].Value}},
	}
	if len(ac) > 1 && len(bc) > 1 {
		cases["another user's chunk spliced in"] = []*http.Cookie{ac[0], bc[1]}
	}
	for name, cs := range cases {
		if got := withCookies(t, a, cs); got != http.StatusUnauthorized {
			t.Errorf("%s: %d", name, got)
		}
	}
	// A cookie sealed by an app with another secret (an old, removed key).
	other := newApp(t, nil, hostedui.WithSessionSecrets(strings.Repeat("k", 40)))
	ob := newBrowser(t)
	other.login(ob, "/", "alice")
	if got := withCookies(t, a, sessionCookies(ob, other)); got != http.StatusUnauthorized {
		t.Errorf("cookie sealed with an unknown key: %d", got)
	}
}

func TestSessionKeyRotation(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t)
	a.login(b, "/", "alice")
	old := sessionCookies(b, a)
	rotated, err := hostedui.New(a.v, hostedui.WithDomain(a.ui.URL()), hostedui.WithAppURL(a.srv.URL),
		hostedui.WithSessionSecrets(strings.Repeat("n", 40), secret))
	if err != nil {
		t.Fatal(err)
	}
	a.base = a.guard(rotated) // the app restarted with the rotated keys
	if withCookies(t, a, old) != http.StatusOK {
		t.Fatal("a cookie sealed with the previous key is refused after rotation")
	}
	removed, err := hostedui.New(a.v, hostedui.WithDomain(a.ui.URL()), hostedui.WithAppURL(a.srv.URL),
		hostedui.WithSessionSecrets(strings.Repeat("n", 40)))
	if err != nil {
		t.Fatal(err)
	}
	a.base = a.guard(removed)
	if withCookies(t, a, old) != http.StatusUnauthorized {
		t.Fatal("a cookie sealed with a removed key is accepted")
	}
}

func TestIdleAndAbsoluteExpiry(t *testing.T) {
	clk := &clock{t: time.Now()}
	a := newApp(t, []cognitotest.HostedUIOption{cognitotest.WithTokenTTL(24 * time.Hour)},
		hostedui.WithClock(clk.now), hostedui.WithSessionLifetime(2*time.Hour, time.Hour))
	b := newBrowser(t)
	a.login(b, "/", "alice")
	for i, step := range []time.Duration{50 * time.Minute, 50 * time.Minute} {
		clk.add(step)
		if got := a.apiStatus(b); got != http.StatusOK {
			t.Fatalf("step %d: active session refused: %d", i, got)
		}
	}
	clk.add(30 * time.Minute) // 130 min: past the 2 h absolute lifetime
	if got := a.apiStatus(b); got != http.StatusUnauthorized {
		t.Fatalf("past the absolute lifetime: %d", got)
	}
	c := newBrowser(t)
	a.login(c, "/", "alice")
	clk.add(61 * time.Minute)
	if got := a.apiStatus(c); got != http.StatusUnauthorized {
		t.Fatalf("idle for over an hour: %d", got)
	}
}

func TestLargeSessionIsSplit(t *testing.T) {
	var groups []string
	for i := range 150 {
		groups = append(groups, fmt.Sprintf("a-rather-long-cognito-group-name-%03d", i))
	}
	a := newApp(t, []cognitotest.HostedUIOption{cognitotest.WithUsers(cognitotest.User{Username: "big", Email: "big@example.com", Groups: groups})})
	b := newBrowser(t)
	a.login(b, "/", "big")
	cs := sessionCookies(b, a)
	if len(cs) < 2 {
		t.Fatalf("a %d-group session fits one cookie?", len(groups))
	}
	for _, c := range cs {
		if len(c.Name)+len(c.Value) > 4000 {
			t.Fatalf("cookie %s is %d bytes", c.Name, len(c.Value))
		}
	}
	if _, body := b.do(http.MethodGet, a.srv.URL+"/", nil, nil); !strings.Contains(body, groups[149]) {
		t.Fatal("the split session does not authenticate")
	}
}

// recorder is an Exchange recording the cookies set.
type recorder struct {
	core.Request
	cookies []*http.Cookie
	query   url.Values
}

func (r *recorder) SetCookie(c *http.Cookie) { r.cookies = append(r.cookies, c) }
func (r *recorder) Method() string           { return http.MethodGet }
func (r *recorder) Query(name string) string { return r.query.Get(name) }
func (r *recorder) FormValue(string) string  { return "" }

func TestHostPrefixOverHTTPS(t *testing.T) {
	a := newApp(t, nil)
	h, err := hostedui.New(a.v, hostedui.WithDomain(a.ui.URL()), hostedui.WithAppURL("https://app.example.com/dash"),
		hostedui.WithSessionSecrets(secret))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://app.example.com/dash/x", nil)
	rec := &recorder{Request: core.HTTPRequest(req), query: url.Values{"rd": {"/reports"}}}
	resp := h.Login(t.Context(), rec)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc.Query().Get("redirect_uri") != "https://app.example.com/dash/login/cognito/authorized" {
		t.Fatalf("redirect_uri %q", loc.Query().Get("redirect_uri"))
	}
	if len(rec.cookies) == 0 {
		t.Fatal("no login cookie")
	}
	for _, c := range rec.cookies {
		if !strings.HasPrefix(c.Name, "__Host-") || !c.Secure || !c.HttpOnly || c.Path != "/" || c.SameSite != http.SameSiteLaxMode || c.Domain != "" {
			t.Fatalf("cookie %+v", c)
		}
	}
	if got := h.LoginURL("/reports"); got != "/dash/login/cognito?rd=%2Freports" {
		t.Fatalf("login URL under a prefix: %q", got)
	}
}

func TestConfigErrors(t *testing.T) {
	a := newApp(t, nil)
	_, err := hostedui.New(a.v, hostedui.WithSessionSecrets("short"))
	if !errors.Is(err, core.ErrConfig) {
		t.Fatalf("want ErrConfig: %v", err)
	}
	for _, want := range []string{hostedui.EnvDomain, hostedui.EnvAppURL, "at least 32"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q: %v", want, err)
		}
	}
}

// TestRefreshOncePerSession: many parallel requests of one session with an
// expiring access token cause one refresh.
func TestRefreshOncePerSession(t *testing.T) {
	a := newApp(t, []cognitotest.HostedUIOption{cognitotest.WithTokenTTL(4 * time.Second)})
	b := newBrowser(t)
	a.login(b, "/", "alice")
	cookies := sessionCookies(b, a)
	time.Sleep(3200 * time.Millisecond)
	before := a.ui.RefreshCalls()
	var wg sync.WaitGroup
	errs := make(chan int, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := withCookies(t, a, cookies); got != http.StatusOK {
				errs <- got
			}
		}()
	}
	wg.Wait()
	close(errs)
	for got := range errs {
		t.Errorf("parallel request during refresh: %d", got)
	}
	if n := a.ui.RefreshCalls() - before; n != 1 {
		t.Fatalf("%d refreshes for one session, want 1", n)
	}
}

// TestUserInfoAttributes: WithUserInfo fetches /oauth2/userInfo once at
// login; handlers see the attributes on every request without a new fetch.
func TestUserInfoAttributes(t *testing.T) {
	a := newApp(t, []cognitotest.HostedUIOption{cognitotest.WithUsers(cognitotest.User{Username: "gail", Email: "gail@example.com", GivenName: "Gail"})},
		hostedui.WithUserInfo())
	b := newBrowser(t)
	a.login(b, "/", "gail")
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, a.srv.URL+"/", nil)
	for _, c := range sessionCookies(b, a) {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	for range 3 {
		u, err := a.base.Authenticate(t.Context(), core.HTTPRequest(req))
		if err != nil || u.Attributes["given_name"] != "Gail" || u.Attributes["email"] != "gail@example.com" {
			t.Fatalf("%+v %v", u, err)
		}
		u.Attributes["given_name"] = "changed" // a copy per request
	}
}

// TestStaleCookieAfterLogout: with the cookie store, a copy of the cookie
// taken before logout stops working once its access token expires: the
// refresh token is revoked and no earlier refresh is reused.
func TestStaleCookieAfterLogout(t *testing.T) {
	a := newApp(t, []cognitotest.HostedUIOption{cognitotest.WithTokenTTL(4 * time.Second)})
	b := newBrowser(t)
	a.login(b, "/", "alice")
	time.Sleep(3200 * time.Millisecond)
	stale := sessionCookies(b, a) // taken before the refresh and the logout
	if got := a.apiStatus(b); got != http.StatusOK {
		t.Fatalf("refresh: %d", got)
	}
	_, form := b.do(http.MethodGet, a.srv.URL+hostedui.DefaultLogoutPath, nil, nil)
	if resp, _ := b.do(http.MethodPost, a.srv.URL+hostedui.DefaultLogoutPath, url.Values{"csrf": {between(form, `name="csrf" value="`, `"`)}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if got := withCookies(t, a, stale); got != http.StatusUnauthorized {
		t.Fatalf("stale pre-logout cookie with an expired access token: %d", got)
	}
}
