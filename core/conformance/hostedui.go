package conformance

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// HostedUIApp is what the hosted-UI suite asks a driver to serve on its
// listener: the adapter's ProtectApp over the whole app, the hosted-UI
// routes mounted with the adapter's MountHostedUI, and
//
//	GET /         200 "hello " + user email
//	GET /reports  200 "reports for " + user email
type HostedUIApp struct {
	Auth *core.BaseAuth
	UI   *hostedui.HostedUI
}

// HostedUIDriver serves the hosted-UI app on ln until the test ends.
type HostedUIDriver func(t *testing.T, app HostedUIApp, ln net.Listener)

// HostedUIEnv is a running hosted-UI app with its local hosted UI.
type HostedUIEnv struct {
	URL string
	UI  *ct.HostedUI
	iss *ct.Issuer
}

// StartHostedUI starts the local hosted UI, a BaseAuth and a hostedui
// login for an app at a fresh loopback address, and the driver's app there.
func StartHostedUI(t *testing.T, driver HostedUIDriver, tokenTTL time.Duration) *HostedUIEnv {
	return StartHostedUIAt(t, driver, tokenTTL, "")
}

// StartHostedUIAt is StartHostedUI for an app whose external URL has a path
// prefix, such as an API Gateway stage ("/Prod"): the driver serves ln with
// that prefix in front of every route (the app itself sees paths without
// it), and env.URL includes it.
func StartHostedUIAt(t *testing.T, driver HostedUIDriver, tokenTTL time.Duration, prefix string) *HostedUIEnv {
	return startHostedUI(t, driver, setup{ttl: tokenTTL, prefix: prefix})
}

// noEnv ignores the process environment.
func noEnv(string) (string, bool) { return "", false }

// setup is how startHostedUI builds the app and its stand-in.
type setup struct {
	ttl    time.Duration
	prefix string
	ui     []ct.HostedUIOption
	keys   http.RoundTripper // the transport of key fetches (nil: the default)
}

func startHostedUI(t *testing.T, driver HostedUIDriver, s setup) *HostedUIEnv {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String() + s.prefix
	iss := ct.Start(t)
	ui := iss.StartHostedUI(append([]ct.HostedUIOption{
		ct.WithClientSecret("s3cret"), ct.WithRedirectURIs(base + hostedui.DefaultCallbackPath),
		ct.WithLogoutURIs(base + "/"), ct.WithTokenTTL(s.ttl),
	}, s.ui...)...)
	t.Cleanup(ui.Close)
	logger := core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	vopts := append(iss.VerifierOptions(), core.WithALBARNs(), logger)
	if s.keys != nil {
		vopts = append(vopts, core.WithHTTPClient(&http.Client{Transport: s.keys}))
	}
	v, err := core.NewVerifier(vopts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	h, err := hostedui.New(v, hostedui.WithDomain(ui.URL()), hostedui.WithAppURL(base),
		hostedui.WithClientSecret("s3cret"), hostedui.WithSessionSecrets("conformance-session-secret-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	auth, err := core.New(core.WithEnvironment(noEnv), logger, core.WithVerifier(v), core.WithSources(h), core.WithBearer(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = auth.Close() })
	driver(t, HostedUIApp{Auth: auth, UI: h}, ln)
	return &HostedUIEnv{URL: base, UI: ui, iss: iss}
}

// RunHostedUI walks the hosted-UI login through the driver's app: protected
// page -> login route -> hosted UI form -> back to the page first asked for
// -> silent refresh after the access token expires -> CSRF-checked logout
// -> the protected page asks to log in again; and, in a second app, that a
// session cookie sent only as a trailer field is refused.
func RunHostedUI(t *testing.T, driver HostedUIDriver) { RunHostedUIAt(t, driver, "") }

// RunHostedUIAt runs RunHostedUI's walk for an app served under prefix
// (see StartHostedUIAt): every redirect must keep the prefix. The trailer
// check runs only without a prefix.
func RunHostedUIAt(t *testing.T, driver HostedUIDriver, prefix string) {
	if prefix == "" {
		t.Run("session cookie in a trailer is refused", func(t *testing.T) { sessionTrailers(t, driver) })
		t.Run("a key outage during a refresh keeps the renewed session", func(t *testing.T) { keyOutageDuringRefresh(t, driver) })
	}
	env := StartHostedUIAt(t, driver, 2*time.Second, prefix)
	origin := strings.TrimSuffix(env.URL, prefix)
	do := browserClient(t)
	abs := func(loc string) string {
		b, _ := url.Parse(env.URL)
		l, _ := b.Parse(loc)
		return l.String()
	}
	if prefix != "" {
		doubledPrefixRefused(t, env.URL, prefix, do)
	}
	resp, _ := do(http.MethodGet, env.URL+"/reports?month=11", nil, nil)
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), prefix+hostedui.DefaultLoginPath+"?") {
		t.Fatalf("protected page without a session: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = do(http.MethodGet, abs(resp.Header.Get("Location")), nil, nil)
	authz, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(authz.String(), env.UI.URL()) {
		t.Fatalf("login route: %d %s", resp.StatusCode, authz)
	}
	f := authz.Query()
	f.Set("username", "alice")
	f.Set("password", ct.DefaultPassword)
	resp, _ = do(http.MethodPost, env.UI.URL()+"/login", f, nil)
	resp, _ = do(http.MethodGet, resp.Header.Get("Location"), nil, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != prefix+"/reports?month=11" {
		t.Fatalf("callback: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body := do(http.MethodGet, abs(resp.Header.Get("Location")), nil, nil); resp.StatusCode != http.StatusOK || body != "reports for alice@example.com" {
		t.Fatalf("after login: %d %q", resp.StatusCode, body)
	}
	refreshes := env.UI.RefreshCalls()
	time.Sleep(1700 * time.Millisecond) // 2 s tokens are refreshed 0.5 s before expiry
	if resp, body := do(http.MethodGet, env.URL+"/", nil, nil); resp.StatusCode != http.StatusOK || body != "hello alice@example.com" || env.UI.RefreshCalls() != refreshes+1 {
		t.Fatalf("silent refresh: %d %q refreshes=%d", resp.StatusCode, body, env.UI.RefreshCalls()-refreshes)
	}
	resp, form := do(http.MethodGet, env.URL+hostedui.DefaultLogoutPath, nil, nil)
	i := strings.Index(form, `name="csrf" value="`)
	if resp.StatusCode != http.StatusOK || i < 0 {
		t.Fatalf("logout page: %d", resp.StatusCode)
	}
	csrf := form[i+len(`name="csrf" value="`):]
	csrf = csrf[:strings.IndexByte(csrf, '"')]
	if resp, _ := do(http.MethodPost, env.URL+hostedui.DefaultLogoutPath, url.Values{"csrf": {csrf}}, map[string]string{"Sec-Fetch-Site": "cross-site"}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site logout: %d", resp.StatusCode)
	}
	resp, _ = do(http.MethodPost, env.URL+hostedui.DefaultLogoutPath, url.Values{"csrf": {csrf}}, map[string]string{"Origin": origin})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), env.UI.URL()+"/logout") {
		t.Fatalf("logout: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = do(http.MethodGet, resp.Header.Get("Location"), nil, nil)
	if resp, _ = do(http.MethodGet, abs(resp.Header.Get("Location")), nil, nil); resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), hostedui.DefaultLoginPath) {
		t.Fatalf("after logout: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// API clients without a session get 401 JSON, not a redirect.
	if resp, _ = do(http.MethodGet, env.URL+"/", nil, map[string]string{"Accept": "application/json"}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("API client without a session: %d", resp.StatusCode)
	}
}

// browserClient returns a request function with a cookie jar that does not
// follow redirects, as the walk needs: it sends Accept: text/html (unless
// hdr overrides it), posts forms, and returns the status, headers and body.
func browserClient(t *testing.T) func(method, u string, form url.Values, hdr map[string]string) (reply, string) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(c.CloseIdleConnections)
	return func(method, u string, form url.Values, hdr map[string]string) (reply, string) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequestWithContext(t.Context(), method, u, body)
		req.Header.Set("Accept", "text/html")
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		return reply{StatusCode: resp.StatusCode, Header: resp.Header}, string(b)
	}
}

// doubledPrefixRefused checks that the hosted-UI routes are let through
// only at the paths the app sees. Asking for the prefix twice reaches the
// app with it once ("/Prod/login/cognito"): no route of the login, so
// refused like any other path, never let through to a catch-all route.
func doubledPrefixRefused(t *testing.T, base, prefix string, do func(method, u string, form url.Values, hdr map[string]string) (reply, string)) {
	t.Helper()
	for _, p := range []string{hostedui.DefaultLoginPath, hostedui.DefaultCallbackPath, hostedui.DefaultLogoutPath} {
		if resp, body := do(http.MethodGet, base+prefix+p, nil, map[string]string{"Accept": "application/json"}); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%s%s%s without a session: %d %q; want 401", base, prefix, p, resp.StatusCode, body)
		}
	}
}

// reply is what the hosted-UI walk keeps of a response (the body is read
// and closed by the request helper).
type reply struct {
	StatusCode int
	Header     http.Header
}

// SignIn walks the hosted-UI login for user (password ct.DefaultPassword)
// through the app of env and returns the Cookie header value the browser
// then sends to the app (its session cookies).
func (env *HostedUIEnv) SignIn(t *testing.T, user string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer c.CloseIdleConnections()
	// step sends one request and returns its status and headers; the body
	// is read and closed here.
	step := func(method, u string, form url.Values) reply {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequestWithContext(t.Context(), method, u, body)
		req.Header.Set("Accept", "text/html")
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return reply{StatusCode: resp.StatusCode, Header: resp.Header}
	}
	app, _ := url.Parse(env.URL)
	resp := step(http.MethodGet, app.JoinPath(hostedui.DefaultLoginPath).String(), nil)
	authz, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(authz.String(), env.UI.URL()) {
		t.Fatalf("login route: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	f := authz.Query()
	f.Set("username", user)
	f.Set("password", ct.DefaultPassword)
	resp = step(http.MethodPost, env.UI.URL()+"/login", f)
	if resp = step(http.MethodGet, resp.Header.Get("Location"), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("callback: %d", resp.StatusCode)
	}
	var parts []string
	for _, ck := range jar.Cookies(app) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; ")
}
