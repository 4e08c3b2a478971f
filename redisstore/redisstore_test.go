package redisstore_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
	"github.com/cognitoauth/cognito-auth-go/redisstore"
)

const secret = "redis-store-test-session-secret-0123456789ab"

// redisServer runs a real redis-server on a loopback port (no persistence).
type redisServer struct {
	t    *testing.T
	port string
	cmd  *exec.Cmd
}

func startRedis(t *testing.T, port string) *redisServer {
	t.Helper()
	if port == "" {
		ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ = net.SplitHostPort(ln.Addr().String())
		_ = ln.Close()
	}
	r := &redisServer{t: t, port: port}
	r.cmd = exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("redis-server (scripts/test.sh installs Debian's redis-server): %v", err)
	}
	t.Cleanup(r.stop)
	rdb := redis.NewClient(&redis.Options{Addr: r.addr()})
	defer func() { _ = rdb.Close() }()
	deadline := time.Now().Add(10 * time.Second)
	for rdb.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatal("redis-server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return r
}

func (r *redisServer) addr() string { return "127.0.0.1:" + r.port }

func (r *redisServer) stop() {
	if r.cmd.Process != nil && r.cmd.ProcessState == nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	}
}

// instance is one app instance with hosted-UI login and the Redis store.
type instance struct {
	srv  *httptest.Server
	base *core.BaseAuth
	h    *hostedui.HostedUI
}

func newInstance(t *testing.T, iss *cognitotest.Issuer, ui *cognitotest.HostedUI, appURL string, rdb redis.UniversalClient, ln net.Listener) *instance {
	logger := core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	v, err := core.NewVerifier(append(iss.VerifierOptions(), core.WithALBARNs(), logger)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	h, err := hostedui.New(v, hostedui.WithDomain(ui.URL()), hostedui.WithAppURL(appURL), hostedui.WithClientSecret("s3cret"),
		hostedui.WithSessionSecrets(secret), hostedui.WithStore(redisstore.New(rdb)))
	if err != nil {
		t.Fatal(err)
	}
	base, err := core.New(core.WithEnvironment(func(string) (string, bool) { return "", false }), logger,
		core.WithVerifier(v), core.WithSources(h), core.WithBearer(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = base.Close() })
	mux := http.NewServeMux()
	h.Mount(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		u, err := base.Authenticate(r.Context(), core.HTTPExchange(w, r))
		if err != nil {
			w.Header().Set("X-Code", string(core.CodeOf(err)))
			f := base.Failure(core.HTTPRequest(r), err)
			f.Write(w)
			return
		}
		_, _ = io.WriteString(w, "hello "+u.Email)
	})
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) { stream(w, r, base, h) })
	srv := httptest.NewUnstartedServer(mux)
	if ln != nil {
		_ = srv.Listener.Close()
		srv.Listener = ln
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return &instance{srv: srv, base: base, h: h}
}

type client struct {
	t *testing.T
	c *http.Client
}

func (c *client) do(method, u string, form url.Values, hdr map[string]string) (int, http.Header, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequestWithContext(c.t.Context(), method, u, body)
	req.Header.Set("Accept", "text/html")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, resp.Header, string(b)
}

func login(t *testing.T, app string, ui *cognitotest.HostedUI) *client {
	c, status := signIn(t, app, ui)
	if status != http.StatusSeeOther {
		t.Fatalf("callback: %d", status)
	}
	return c
}

// signIn walks the hosted-UI login and returns the callback's status.
func signIn(t *testing.T, app string, ui *cognitotest.HostedUI) (*client, int) {
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	_, h, _ := c.do(http.MethodGet, app+hostedui.DefaultLoginPath, nil, nil)
	authz, _ := url.Parse(h.Get("Location"))
	f := authz.Query()
	f.Set("username", "alice")
	f.Set("password", cognitotest.DefaultPassword)
	_, h, _ = c.do(http.MethodPost, ui.URL()+"/login", f, nil)
	status, _, _ := c.do(http.MethodGet, h.Get("Location"), nil, nil)
	return c, status
}

func (c *client) cookies(app string) []*http.Cookie {
	u, _ := url.Parse(app)
	return c.c.Jar.Cookies(u)
}

func with(t *testing.T, app string, cookies []*http.Cookie) (int, string) {
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, app+"/", nil)
	req.Header.Set("Accept", "application/json")
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("X-Code")
}

func setup(t *testing.T, uiOpts ...cognitotest.HostedUIOption) (*redisServer, redis.UniversalClient, *cognitotest.Issuer, *cognitotest.HostedUI, *instance, *instance) {
	r := startRedis(t, "")
	rdb := redis.NewClient(&redis.Options{Addr: r.addr(), MaxRetries: 0, DialTimeout: 500 * time.Millisecond, ReadTimeout: 500 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	app := "http://" + ln.Addr().String()
	iss := cognitotest.Start(t)
	ui := iss.StartHostedUI(append([]cognitotest.HostedUIOption{
		cognitotest.WithClientSecret("s3cret"), cognitotest.WithRedirectURIs(app + hostedui.DefaultCallbackPath),
		cognitotest.WithLogoutURIs(app + "/"),
	}, uiOpts...)...)
	t.Cleanup(ui.Close)
	a := newInstance(t, iss, ui, app, rdb, ln)
	b := newInstance(t, iss, ui, app, rdb, nil) // a second instance sharing the store
	return r, rdb, iss, ui, a, b
}

func TestRedisSessionsSharedAndRevoked(t *testing.T) {
	_, rdb, _, ui, a, b := setup(t)
	c := login(t, a.srv.URL, ui)
	cookies := c.cookies(a.srv.URL)
	if len(cookies) != 1 || len(cookies[0].Value) > 300 {
		t.Fatalf("with a server-side store the cookie holds only a sealed id; got %d cookies, %d bytes", len(cookies), len(cookies[0].Value))
	}
	if keys, _ := rdb.Keys(t.Context(), redisstore.DefaultPrefix+"*").Result(); len(keys) != 1 {
		t.Fatalf("sessions in Redis: %v", keys)
	}
	if status, _ := with(t, a.srv.URL, cookies); status != http.StatusOK {
		t.Fatalf("instance A: %d", status)
	}
	if status, _ := with(t, b.srv.URL, cookies); status != http.StatusOK {
		t.Fatalf("instance B does not share the session: %d", status)
	}
	// Log out on instance A ...
	_, _, form := c.do(http.MethodGet, a.srv.URL+hostedui.DefaultLogoutPath, nil, nil)
	i := strings.Index(form, `name="csrf" value="`)
	csrf := form[i+len(`name="csrf" value="`):]
	csrf = csrf[:strings.IndexByte(csrf, '"')]
	if status, _, _ := c.do(http.MethodPost, a.srv.URL+hostedui.DefaultLogoutPath, url.Values{"csrf": {csrf}}, nil); status != http.StatusSeeOther {
		t.Fatalf("logout: %d", status)
	}
	// ... and a replayed copy of the cookie is refused everywhere.
	for name, inst := range map[string]*instance{"A": a, "B": b} {
		if status, code := with(t, inst.srv.URL, cookies); status != http.StatusUnauthorized || code != string(hostedui.CodeSessionExpired) {
			t.Fatalf("replay after logout on %s: %d %s", name, status, code)
		}
	}
}

func TestRedisRestartDuringTraffic(t *testing.T) {
	r, _, _, ui, a, _ := setup(t)
	c := login(t, a.srv.URL, ui)
	cookies := c.cookies(a.srv.URL)
	if status, _ := with(t, a.srv.URL, cookies); status != http.StatusOK {
		t.Fatalf("before: %d", status)
	}
	r.stop()
	// While Redis is down: a clear 503, not a login loop or a crash.
	for range 5 {
		if status, code := with(t, a.srv.URL, cookies); status != http.StatusServiceUnavailable || code != string(hostedui.CodeSessionStore) {
			t.Fatalf("Redis down: %d %s", status, code)
		}
	}
	// A login that cannot store its session is an outage too (503, "try
	// again"), not a failed sign-in.
	if _, status := signIn(t, a.srv.URL, ui); status != http.StatusServiceUnavailable {
		t.Fatalf("login while Redis is down: callback %d; want 503", status)
	}
	startRedis(t, r.port) // back, empty (no persistence)
	// The client's pooled connections died with the server: within a few
	// requests the store answers again, and the (lost) old session is refused.
	deadline := time.Now().Add(5 * time.Second)
	status, code := with(t, a.srv.URL, cookies)
	for status == http.StatusServiceUnavailable && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		status, code = with(t, a.srv.URL, cookies)
	}
	if status != http.StatusUnauthorized || code != string(hostedui.CodeSessionExpired) {
		t.Fatalf("old session after an empty restart: %d %s", status, code)
	}
	c2 := login(t, a.srv.URL, ui)
	if status, _ := with(t, a.srv.URL, c2.cookies(a.srv.URL)); status != http.StatusOK {
		t.Fatalf("recovered: a new login works: %d", status)
	}
}
