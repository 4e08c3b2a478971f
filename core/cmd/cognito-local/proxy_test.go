package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
)

// setup starts cognito-local in front of an upstream that verifies every
// request with core (the real verification path) and answers the email.
func setup(t *testing.T, public ...string) (proxyURL string, client *http.Client) {
	t.Helper()
	pp, err := parsePublic(strings.Join(public, ","))
	if err != nil {
		t.Fatal(err)
	}
	return setupWith(t, defaultUsers, proxyConfig{ttl: time.Hour, public: pp})
}

// setupWith is setup with the given users and proxy configuration; the app
// trusts every pool the proxy's environment names, and /whoami answers
// JSON about the verified user and the data token it received.
func setupWith(t *testing.T, users []ct.User, cfg proxyConfig) (proxyURL string, client *http.Client) {
	t.Helper()
	mux := http.NewServeMux()
	front := httptest.NewServer(mux)
	t.Cleanup(front.Close)
	iss, err := ct.New(ct.WithKeyServerURL(front.URL + keysPrefix))
	if err != nil {
		t.Fatal(err)
	}
	var auth *core.BaseAuth // set below, before any request is sent
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/health") || strings.HasPrefix(r.URL.Path, "/static") {
			// The app's own bypass: it answers without verification, and
			// says whether ALB headers reached it.
			_, _ = io.WriteString(w, "public:"+r.URL.Path+":"+r.Header.Get(core.HeaderData))
			return
		}
		u, err := auth.Authenticate(r.Context(), core.HTTPRequest(r))
		if err != nil {
			f := auth.Failure(core.HTTPRequest(r), err)
			f.Write(w)
			return
		}
		if r.URL.Path == "/whoami" {
			_ = json.NewEncoder(w).Encode(whoami{
				Email: u.Email, Pool: u.UserPoolID, Issuer: u.Issuer, Groups: u.Groups,
				DataTTL: time.Until(u.ClaimsExpireAt).Round(time.Second).String(), AccessTTL: time.Until(u.ExpiresAt).Round(time.Minute).String(),
				Data: r.Header.Get(core.HeaderData), Access: r.Header.Get(core.HeaderAccessToken),
			})
			return
		}
		_, _ = io.WriteString(w, "verified:"+u.Email+":"+strings.Join(u.Groups, ","))
	}))
	t.Cleanup(upstream.Close)
	up, _ := url.Parse(upstream.URL)
	// The keys are served before the app starts, as with the real proxy.
	p := newProxy(iss, users, up, cfg)
	mux.Handle("/", p)
	auth, err = core.New(append(iss.Options(), core.WithUserPoolIDs(p.poolIDs()...),
		core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = auth.Close() })
	jar, _ := cookiejar.New(nil)
	client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(client.CloseIdleConnections)
	return front.URL, client
}

func do(t *testing.T, c *http.Client, method, u string, h map[string]string, form url.Values) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequestWithContext(t.Context(), method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	return resp, string(b)
}

func TestLoginFlowAndRealVerification(t *testing.T) {
	base, c := setup(t)
	resp, _ := do(t, c, http.MethodGet, base+"/reports?x=1", map[string]string{"Accept": "text/html"}, nil)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != loginPath+"?rd="+url.QueryEscape("/reports?x=1") {
		t.Fatalf("no session: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := do(t, c, http.MethodGet, base+loginPath+"?rd=/reports", nil, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "alice@example.com") || !strings.Contains(body, "root@example.com") {
		t.Fatalf("login page: %d %s", resp.StatusCode, body)
	}
	resp, _ = do(t, c, http.MethodPost, base+loginPath, nil, url.Values{"user": {"0"}, "rd": {"/reports"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/reports" {
		t.Fatalf("login: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = do(t, c, http.MethodGet, base+"/", nil, nil)
	if body != "verified:alice@example.com:staff" {
		t.Fatalf("after login: %q", body)
	}
	resp, _ = do(t, c, http.MethodGet, base+logoutPath, nil, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != loginPath+"?signed_out=1" {
		t.Fatalf("logout: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body = do(t, c, http.MethodGet, base+resp.Header.Get("Location"), nil, nil); !strings.Contains(body, `role="status">You have been signed out.`) ||
		strings.Contains(resp.Header.Get("Content-Security-Policy"), "unsafe") || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("the login page after a sign-out: %q\n%s", resp.Header.Get("Content-Security-Policy"), body)
	}
	if _, body = do(t, c, http.MethodGet, base+loginPath, nil, nil); strings.Contains(body, "signed out") {
		t.Fatalf("the notice without a sign-out:\n%s", body)
	}
	resp, _ = do(t, c, http.MethodGet, base+"/", map[string]string{"Accept": "application/json"}, nil)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after logout: %d", resp.StatusCode)
	}
}

func TestClientSentALBHeadersAreReplaced(t *testing.T) {
	base, c := setup(t)
	other := ct.Start(t) // a forger with their own keys
	forged := other.Mint(ct.User{Email: "mallory@example.com", Groups: []string{"admins"}})
	h := map[string]string{
		core.HeaderData: forged.Data, core.HeaderAccessToken: forged.AccessToken, core.HeaderIdentity: forged.Identity,
		"x-amzn-oidc-extra": "x", userHeader: "root@example.com",
	}
	_, body := do(t, c, http.MethodGet, base+"/", h, nil)
	if body != "verified:root@example.com:staff,admins" {
		t.Fatalf("forged headers reached the app or replaced the proxy's: %q", body)
	}
	// Without a session the forged headers are dropped, not forwarded.
	delete(h, userHeader)
	resp, _ := do(t, c, http.MethodGet, base+"/", h, nil)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged headers without a session: %d", resp.StatusCode)
	}
}

func TestUserHeaderAndUnknownUser(t *testing.T) {
	base, c := setup(t)
	if _, body := do(t, c, http.MethodGet, base+"/", map[string]string{userHeader: "ALICE@example.com"}, nil); body != "verified:alice@example.com:staff" {
		t.Fatalf("user header: %q", body)
	}
	if resp, body := do(t, c, http.MethodGet, base+"/", map[string]string{userHeader: "nobody@example.com"}, nil); resp.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(body, "no mock user nobody@example.com") || !strings.Contains(body, "alice@example.com") {
		t.Fatalf("unknown user: %d %q; want 401 naming the user and the known ones", resp.StatusCode, body)
	}
	if resp, _ := do(t, c, http.MethodPost, base+loginPath, nil, url.Values{"user": {"99"}}); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown user index: %d", resp.StatusCode)
	}
}

func TestSafeReturn(t *testing.T) {
	for in, want := range map[string]string{
		"/reports?q=1": "/reports?q=1", "": "/", "//evil.com": "/", "/\\evil.com": "/", "https://evil.com": "/",
		"javascript:alert(1)": "/", "/a\r\nSet-Cookie:x": "/", "evil.com": "/", loginPath: "/",
	} {
		if got := safeReturn(in); got != want {
			t.Errorf("safeReturn(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoadUsers(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	one := write("one.json", `{"_comment":"x","email":"a@example.com","groups":["g"]}`)
	arr := write("arr.json", `[{"email":"a@example.com"},{"email":"b@example.com","groups":["admins"]}]`)
	wrap := write("wrap.json", `{"users":[{"email":"a@example.com"}]}`)
	typo := write("typo.json", `[{"emial":"a@example.com"}]`)
	for path, want := range map[string]int{one: 1, arr: 2, wrap: 1} {
		us, _, err := loadUsers(path)
		if err != nil || len(us) != want {
			t.Fatalf("%s: %v %v", path, us, err)
		}
	}
	if _, _, err := loadUsers(typo); err == nil || !strings.Contains(err.Error(), "emial") {
		t.Fatalf("typo: %v", err)
	}
	if us, _, _ := loadUsers(""); len(us) != len(defaultUsers) {
		t.Fatal("defaults")
	}
}

// TestPublicPaths: like ALB listener rules without an authenticate action,
// -public paths reach the app with no login and no ALB headers (client-sent
// ones stripped); everything else still needs a login.
func TestPublicPaths(t *testing.T) {
	base, c := setup(t, "/health", "/static/*")
	forged := map[string]string{"Accept": "application/json", core.HeaderData: "forged"}
	for path, want := range map[string]int{
		"/health": 200, "/static/app.css": 200, "/static/img/x.png": 200,
		"/healthz": 401, "/health/": 401, "/static": 401, "/": 401, "/admin": 401,
	} {
		resp, body := do(t, c, http.MethodGet, base+path, forged, nil)
		if resp.StatusCode != want {
			t.Errorf("%s: %d %q, want %d", path, resp.StatusCode, body, want)
		}
		if want == 200 && body != "public:"+path+":" {
			t.Errorf("%s: %q (ALB headers must not reach a public path)", path, body)
		}
	}
	for _, bad := range []string{"health", "/a*b", "/*/x"} {
		if _, err := parsePublic(bad); err == nil {
			t.Errorf("-public %q accepted", bad)
		}
	}
}

// whoami is what the test app answers on /whoami.
type whoami struct {
	Email, Pool, Issuer string
	Groups              []string
	DataTTL, AccessTTL  string
	Data, Access        string
}

func getWhoami(t *testing.T, c *http.Client, base, user string) whoami {
	t.Helper()
	resp, body := do(t, c, http.MethodGet, base+"/whoami", map[string]string{userHeader: user}, nil)
	var w whoami
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &w) != nil {
		t.Fatalf("/whoami as %s: %d %s", user, resp.StatusCode, body)
	}
	return w
}

// TestTokensLikeTheALB: the data token expires 120 s after it is minted and
// is reused until shortly before then; the access token is the same string
// for its lifetime; with -resign-every-request every request carries a new
// data token (with the same access token), and the app verifies them all.
func TestTokensLikeTheALB(t *testing.T) {
	base, c := setupWith(t, defaultUsers, proxyConfig{ttl: time.Hour})
	a, b := getWhoami(t, c, base, "alice@example.com"), getWhoami(t, c, base, "alice@example.com")
	if a.DataTTL != "2m0s" && a.DataTTL != "1m59s" {
		t.Fatalf("data token lives %s, want about 120s", a.DataTTL)
	}
	if a.AccessTTL != "1h0m0s" {
		t.Fatalf("access token lives %s, want the -token-ttl hour", a.AccessTTL)
	}
	if a.Data != b.Data || a.Access != b.Access {
		t.Fatal("without -resign-every-request the data token is reused until it nears expiry")
	}

	base, c = setupWith(t, defaultUsers, proxyConfig{ttl: time.Hour, resign: true})
	seen := map[string]bool{}
	var access string
	for range 5 {
		w := getWhoami(t, c, base, "alice@example.com")
		if seen[w.Data] {
			t.Fatal("-resign-every-request sent the same data token twice")
		}
		seen[w.Data] = true
		if access != "" && w.Access != access {
			t.Fatal("the access token changed between requests")
		}
		access = w.Access
	}

	// A data token near expiry is re-minted; the access token is kept.
	base, c = setupWith(t, defaultUsers, proxyConfig{ttl: time.Hour, dataTTL: dataTokenRenew + time.Second})
	first := getWhoami(t, c, base, "alice@example.com")
	time.Sleep(1100 * time.Millisecond)
	second := getWhoami(t, c, base, "alice@example.com")
	if second.Data == first.Data || second.Access != first.Access {
		t.Fatal("an expiring data token was not re-minted, or the access token changed with it")
	}
}

// TestIssuerFormatAndPools: -issuer-format updated mints UPDATED-format
// issuers; users with a "pool" get tokens from that pool, and the app's
// environment names every pool.
func TestIssuerFormatAndPools(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "users.json")
	if err := os.WriteFile(path, []byte(`[{"email":"a@example.com","groups":["staff"]},
		{"email":"b@example.com","groups":["other"],"pool":"eu-west-1_SecondPool"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	users, pools, err := loadUsers(path)
	if err != nil {
		t.Fatal(err)
	}
	base, c := setupWith(t, users, proxyConfig{ttl: time.Hour, updated: true, pools: pools})
	a := getWhoami(t, c, base, "a@example.com")
	if !strings.HasPrefix(a.Issuer, "https://issuer-cognito-idp.") || a.Pool == "eu-west-1_SecondPool" {
		t.Fatalf("first user: %+v", a)
	}
	b := getWhoami(t, c, base, "b@example.com")
	if b.Pool != "eu-west-1_SecondPool" || b.Issuer != awsurl.UpdatedIssuer("eu-west-1_SecondPool") || len(b.Groups) != 1 || b.Groups[0] != "other" {
		t.Fatalf("second pool's user: %+v", b)
	}
	if _, _, err := loadUsers(writeFile(t, dir, "bad.json", `[{"email":"a@example.com","pool":"not-a-pool"}]`)); err == nil {
		t.Fatal("a malformed pool id was accepted")
	}
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
