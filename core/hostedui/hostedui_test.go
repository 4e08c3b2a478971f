package hostedui_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

const secret = "0123456789abcdef0123456789abcdef-session-secret"

type app struct {
	t    testing.TB
	iss  *cognitotest.Issuer
	ui   *cognitotest.HostedUI
	srv  *httptest.Server
	base *core.BaseAuth
	v    *core.Verifier
	h    *hostedui.HostedUI
	// guardOpts build the guard (with the shared Verifier v).
	guardOpts []core.Option
	// mux serves the app: tests may add routes.
	mux *http.ServeMux
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// newApp serves a protected app with hosted-UI login against the local
// hosted UI of a cognitotest issuer.
func newApp(t testing.TB, uiOpts []cognitotest.HostedUIOption, opts ...hostedui.Option) *app {
	return newAppWithCore(t, nil, nil, uiOpts, opts...)
}

// newAppWithCore is newApp with extra options for the Verifier and the
// guard.
func newAppWithCore(t testing.TB, vopts []core.VerifierOption, gopts []core.Option, uiOpts []cognitotest.HostedUIOption, opts ...hostedui.Option) *app {
	return newAppForUI(t, func(*cognitotest.HostedUI) []core.VerifierOption { return vopts }, gopts, uiOpts, opts...)
}

// newAppForUI is newAppWithCore with Verifier options that depend on the
// local hosted UI (its URL).
func newAppForUI(t testing.TB, vopts func(*cognitotest.HostedUI) []core.VerifierOption, gopts []core.Option, uiOpts []cognitotest.HostedUIOption, opts ...hostedui.Option) *app {
	a := &app{t: t, iss: cognitotest.Start(t)}
	mux := http.NewServeMux()
	a.mux = mux
	a.srv = httptest.NewServer(mux)
	t.Cleanup(a.srv.Close)
	a.ui = a.iss.StartHostedUI(append([]cognitotest.HostedUIOption{
		cognitotest.WithClientSecret("s3cret"),
		cognitotest.WithRedirectURIs(a.srv.URL + hostedui.DefaultCallbackPath), cognitotest.WithLogoutURIs(a.srv.URL + "/"),
	}, uiOpts...)...)
	t.Cleanup(a.ui.Close)
	logger := core.WithLogger(slog.New(slog.NewTextHandler(testLogSink, nil)))
	v, err := core.NewVerifier(append(append(a.iss.VerifierOptions(), core.WithALBARNs(), logger), vopts(a.ui)...)...)
	a.guardOpts = append([]core.Option{core.WithEnvironment(noEnv), logger, core.WithBearer(true)}, gopts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	a.v = v
	a.h, err = hostedui.New(v, append([]hostedui.Option{
		hostedui.WithDomain(a.ui.URL()), hostedui.WithAppURL(a.srv.URL),
		hostedui.WithClientSecret("s3cret"), hostedui.WithSessionSecrets(secret),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	a.h.Mount(mux)
	a.base = a.guard(a.h)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		base := a.base
		u, err := base.Authenticate(r.Context(), core.HTTPExchange(w, r))
		if err != nil {
			f := base.Failure(core.HTTPRequest(r), err)
			f.Write(w)
			return
		}
		_, _ = io.WriteString(w, "hello "+u.Email+" groups="+strings.Join(u.Groups, ","))
	})
	return a
}

// guard builds the app's BaseAuth with h as its session source (the app
// built anew, for example after a session key rotation).
func (a *app) guard(h *hostedui.HostedUI) *core.BaseAuth {
	base, err := core.New(append(a.guardOpts, core.WithVerifier(a.v), core.WithSources(h))...)
	if err != nil {
		a.t.Fatal(err)
	}
	a.t.Cleanup(func() { _ = base.Close() })
	return base
}

type browser struct {
	t   testing.TB
	c   *http.Client
	jar *cookiejar.Jar
}

func newBrowser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, jar: jar, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, u string, form url.Values, h map[string]string) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequestWithContext(b.t.Context(), method, u, body)
	req.Header.Set("Accept", "text/html")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	return resp, string(data)
}

func abs(base, loc string) string {
	u, _ := url.Parse(base)
	l, _ := u.Parse(loc)
	return l.String()
}

// login walks protected page -> login route -> hosted UI form -> callback,
// and returns the final redirect target and the callback URL used.
func (a *app) login(b *browser, path, user string) (string, string) {
	a.t.Helper()
	resp, _ := b.do(http.MethodGet, a.srv.URL+path, nil, nil)
	if resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), hostedui.DefaultLoginPath) {
		a.t.Fatalf("protected page without a session: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = b.do(http.MethodGet, abs(a.srv.URL, resp.Header.Get("Location")), nil, nil)
	authz := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(authz, a.ui.URL()+"/oauth2/authorize") {
		a.t.Fatalf("login route: %d %q", resp.StatusCode, authz)
	}
	q, _ := url.Parse(authz)
	for _, k := range []string{"state", "code_challenge", "nonce"} {
		if q.Query().Get(k) == "" {
			a.t.Fatalf("authorize request lacks %s: %s", k, authz)
		}
	}
	if q.Query().Get("code_challenge_method") != "S256" {
		a.t.Fatal("PKCE is not S256")
	}
	resp, form := b.do(http.MethodGet, authz, nil, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(form, "password") {
		a.t.Fatalf("hosted UI form: %d", resp.StatusCode)
	}
	f := q.Query()
	f.Set("username", user)
	f.Set("password", cognitotest.DefaultPassword)
	resp, _ = b.do(http.MethodPost, a.ui.URL()+"/login", f, nil)
	cb := resp.Header.Get("Location")
	resp, _ = b.do(http.MethodGet, cb, nil, nil)
	if resp.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("callback: %d", resp.StatusCode)
	}
	return resp.Header.Get("Location"), cb
}

func TestFlowRefreshLogout(t *testing.T) {
	a := newApp(t, []cognitotest.HostedUIOption{cognitotest.WithTokenTTL(4 * time.Second)})
	b := newBrowser(t)
	back, _ := a.login(b, "/reports?month=11", "alice")
	if back != "/reports?month=11" {
		t.Fatalf("returned to %q, want the page first asked for", back)
	}
	resp, body := b.do(http.MethodGet, a.srv.URL+back, nil, nil)
	if resp.StatusCode != http.StatusOK || body != "hello alice@example.com groups=staff" {
		t.Fatalf("after login: %d %q", resp.StatusCode, body)
	}
	// The access token nears expiry (4 s tokens, refreshed 1 s early): the
	// next request refreshes silently, once.
	before := a.ui.RefreshCalls()
	time.Sleep(3200 * time.Millisecond)
	resp, body = b.do(http.MethodGet, a.srv.URL+"/", nil, nil)
	if resp.StatusCode != http.StatusOK || a.ui.RefreshCalls() != before+1 || len(resp.Cookies()) == 0 {
		t.Fatalf("after expiry: %d %q refreshes=%d cookies=%d", resp.StatusCode, body, a.ui.RefreshCalls()-before, len(resp.Cookies()))
	}
	if resp, _ = b.do(http.MethodGet, a.srv.URL+"/", nil, nil); resp.StatusCode != http.StatusOK || a.ui.RefreshCalls() != before+1 {
		t.Fatalf("the refreshed session was not kept: refreshes=%d", a.ui.RefreshCalls()-before)
	}

	// Logout: a GET only shows a form; a cross-site or token-less POST is refused.
	resp, form := b.do(http.MethodGet, a.srv.URL+hostedui.DefaultLogoutPath, nil, nil)
	csrf := between(form, `name="csrf" value="`, `"`)
	if resp.StatusCode != http.StatusOK || csrf == "" {
		t.Fatalf("logout page: %d %s", resp.StatusCode, form)
	}
	if resp, _ = b.do(http.MethodGet, a.srv.URL+"/", nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatal("a GET of the logout route signed the user out")
	}
	if resp, _ = b.do(http.MethodPost, a.srv.URL+hostedui.DefaultLogoutPath, url.Values{"csrf": {csrf}}, map[string]string{"Origin": "https://evil.example"}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site logout POST: %d", resp.StatusCode)
	}
	if resp, _ = b.do(http.MethodPost, a.srv.URL+hostedui.DefaultLogoutPath, url.Values{"csrf": {csrf}}, map[string]string{"Sec-Fetch-Site": "cross-site"}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site (Sec-Fetch-Site) logout POST: %d", resp.StatusCode)
	}
	if resp, _ = b.do(http.MethodPost, a.srv.URL+hostedui.DefaultLogoutPath, url.Values{"csrf": {"forged"}}, nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("logout POST with a forged token: %d", resp.StatusCode)
	}
	revokes := a.ui.RevokeCalls()
	resp, _ = b.do(http.MethodPost, a.srv.URL+hostedui.DefaultLogoutPath, url.Values{"csrf": {csrf}}, map[string]string{"Origin": a.srv.URL})
	out, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(out.String(), a.ui.URL()+"/logout") ||
		out.Query().Get("client_id") != cognitotest.DefaultClientID || out.Query().Get("logout_uri") != a.srv.URL+"/" {
		t.Fatalf("logout: %d %s", resp.StatusCode, out)
	}
	if a.ui.RevokeCalls() != revokes+1 {
		t.Fatal("the refresh token was not revoked")
	}
	if resp, _ = b.do(http.MethodGet, out.String(), nil, nil); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != a.srv.URL+"/" {
		t.Fatalf("hosted UI logout: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The protected page asks to log in again.
	if resp, _ = b.do(http.MethodGet, a.srv.URL+"/", nil, nil); resp.StatusCode != http.StatusFound ||
		!strings.Contains(resp.Header.Get("Location"), hostedui.DefaultLoginPath) {
		t.Fatalf("after logout: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	j := strings.Index(s, to)
	if j < 0 {
		return ""
	}
	return s[:j]
}

var testLogSink = io.Discard

// noEnv ignores the process environment.
func noEnv(string) (string, bool) { return "", false }
