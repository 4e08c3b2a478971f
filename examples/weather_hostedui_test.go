package examples_test

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
	"github.com/cognitoauth/cognito-auth-go/examples/internal/demo"
	"github.com/cognitoauth/cognito-auth-go/examples/internal/faultproxy"
)

// This file holds the production-weather scenarios in hosted-UI mode: the
// app runs the Cognito login itself, against the cognitotest stand-in
// behind a fault proxy (its token endpoint) and the issuer's JWKS behind
// another.

const (
	weatherSessionSecret = "weather-session-secret-0123456789abcdef-0123"
	weatherClientSecret  = "weather-client-secret"
	// shortTTL is the lifetime of the stand-in's access tokens where a
	// scenario waits for the app to refresh them.
	shortTTL = 6 * time.Second
)

// hostedRig is the stand-in hosted UI and key servers an app signs users in
// with; the app's hosted-UI domain is the fault proxy `domain`.
type hostedRig struct {
	ks     *keyServers
	ui     *ct.HostedUI
	domain *faultproxy.Proxy
	appURL string
}

// newHostedRig starts the stand-in for an app seen by browsers at
// http://127.0.0.1:port, with the options given (token lifetime, …).
func newHostedRig(t *testing.T, port string, opts ...ct.HostedUIOption) *hostedRig {
	t.Helper()
	r := &hostedRig{ks: newKeyServers(t), appURL: "http://127.0.0.1:" + port}
	opts = append([]ct.HostedUIOption{
		ct.WithClientSecret(weatherClientSecret),
		ct.WithRedirectURIs(r.appURL + hostedui.DefaultCallbackPath),
		ct.WithLogoutURIs(r.appURL + "/"),
	}, opts...)
	r.ui = r.ks.iss.StartHostedUI(opts...)
	t.Cleanup(r.ui.Close)
	r.domain, _ = behind(t, r.ui.URL())
	return r
}

// env is the app's hosted-UI environment: the issuer's contract, the key
// URLs and the hosted-UI domain through the proxies, the app's URL and
// secrets.
func (r *hostedRig) env() map[string]string {
	env := r.ks.env()
	env[hostedui.EnvDomain] = r.domain.URL()
	env[hostedui.EnvAppURL] = r.appURL
	env[hostedui.EnvSessionSecret] = weatherSessionSecret
	env[hostedui.EnvClientSecret] = weatherClientSecret
	return env
}

// counters adds the hosted UI's to the key servers': every request to the
// domain proxy (token calls, and the browser's sign-in pages), the refresh
// grants and the sign-ins (authorization-code grants) the stand-in served.
func (r *hostedRig) counters() []counter {
	return append(r.ks.counters(),
		counter{"token", r.domain.Total},
		counter{"refresh", r.ui.RefreshCalls},
		counter{"signin", func() int64 { return r.ui.TokenCalls() - r.ui.RefreshCalls() }},
	)
}

// signIn walks b through the real login: a protected page redirects to the
// app's login route, which redirects to the stand-in's authorize form; the
// form is posted as alice; the callback sets the session cookie and returns
// to the page. It returns when the page answers 200 as alice.
func signIn(ctx context.Context, b *hostedBrowser, appURL string) error {
	form, at, err := openLoginForm(ctx, b, appURL)
	if err != nil {
		return err
	}
	form.Set("username", "alice")
	form.Set("password", ct.DefaultPassword)
	action := at.ResolveReference(&url.URL{Path: "/login"})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", html)
	resp, err := b.follow.Do(req)
	if err != nil {
		return fmt.Errorf("posting the login form: %w", err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `<strong id="email">alice@example.com</strong>`) {
		return fmt.Errorf("after signing in: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	return nil
}

// openLoginForm follows a protected page's redirects to the stand-in's
// login form and returns the form's hidden fields and where it was served.
func openLoginForm(ctx context.Context, b *hostedBrowser, appURL string) (url.Values, *url.URL, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, appURL+"/", nil)
	req.Header.Set("Accept", html)
	resp, err := b.follow.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("opening the app: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	at := resp.Request.URL
	if resp.StatusCode != http.StatusOK || at.Path != "/oauth2/authorize" {
		return nil, nil, fmt.Errorf("protected page led to %d at %s, not the login form", resp.StatusCode, at)
	}
	return at.Query(), at, nil
}

// mustSignIn signs b in or fails with the app's log.
func mustSignIn(t *testing.T, b *hostedBrowser, appURL string, apps ...*appProcess) {
	t.Helper()
	if err := signIn(t.Context(), b, appURL); err != nil {
		var tails strings.Builder
		for _, a := range apps {
			tails.WriteString(a.logTail(20) + "\n")
		}
		t.Fatalf("signing %s in: %v\n%s", b.name, err, tails.String())
	}
}

// refreshDue is a moment by which the app must refresh an access token
// issued before signedIn with lifetime ttl (the app refreshes a quarter of
// the lifetime, at most 30 s, before expiry; exp has whole seconds).
func refreshDue(signedIn time.Time, ttl time.Duration) time.Time {
	return signedIn.Add(ttl - ttl/4 + 300*time.Millisecond)
}

// hostedFault is a dependency failing while a signed-in browser's access
// token needs refreshing.
type hostedFault struct {
	name, framework string
	d               time.Duration
	on              func(t *testing.T, r *hostedRig) // start the fault
	off             func(r *hostedRig)
}

// hostedUIRefresh: a signed-in browser's access token comes due while the
// token endpoint fails (500; hang past the app's 10 s token client
// timeout), or while the JWKS fails just after Cognito rotated its key (so
// the refreshed token's kid is new). 503 while faulted, the session kept:
// after recovery the same browser gets 200 without signing in again.
func (w weather) hostedUIRefresh(t *testing.T) {
	var tests []subtest
	for _, f := range []hostedFault{
		{
			name: "token_500", framework: "nethttp", d: 2 * time.Second,
			on:  func(_ *testing.T, r *hostedRig) { r.domain.Set(faultproxy.Status(500)) },
			off: func(r *hostedRig) { r.domain.Set(faultproxy.Pass()) },
		},
		{
			name: "token_hang", framework: "nethttp", d: 11 * time.Second,
			on:  func(_ *testing.T, r *hostedRig) { r.domain.Set(faultproxy.Hang()) },
			off: func(r *hostedRig) { r.domain.Set(faultproxy.Pass()) },
		},
		{
			name: "jwks_blip", framework: "gin", d: 2 * time.Second,
			on: func(t *testing.T, r *hostedRig) {
				rotate(t, r.ks, "jwks")
				r.ks.jwks.Set(faultproxy.Status(500))
			},
			off: func(r *hostedRig) { r.ks.jwks.Set(faultproxy.Pass()) },
		},
	} {
		tests = append(tests, subtest{f.name, func(t *testing.T) { w.hostedRefreshFault(t, f) }})
	}
	concurrently(t, tests)
}

func (w weather) hostedRefreshFault(t *testing.T, f hostedFault) {
	rig := newHostedRig(t, freePort(t), ct.WithTokenTTL(shortTTL))
	log := newWeatherLog(fmt.Sprintf("hostedui_refresh/%s (%s, token TTL %v, fault %v)", f.name, f.framework, shortTTL, f.d), rig.counters()...)
	log.phase("start")
	env := rig.env()
	env["PORT"] = strings.TrimPrefix(rig.appURL, "http://127.0.0.1:")
	app := startApp(t, w.dir, f.framework, env)
	b := newHostedBrowser(t, "alice")
	log.phase("sign-in")
	mustSignIn(t, b, rig.appURL, app)
	signedIn := time.Now()
	c := &crowd{t: t, base: rig.appURL, log: log}
	log.phase("before")
	c.burst([]visitor{b})
	time.Sleep(time.Until(refreshDue(signedIn, shortTTL)))
	log.phase("during")
	f.on(t, rig)
	load := c.steady([]visitor{b}, think)
	time.Sleep(f.d)
	load.stop()
	f.off(rig)
	load.wait()
	log.phase("grace")
	time.Sleep(backoff)
	log.phase("after")
	c.burst([]visitor{b})
	c.burst([]visitor{b})
	// A page load's six requests share one refresh; a browser reloading
	// through the outage may cost one call per page load, never six.
	loads := log.pageLoads("during") + log.pageLoads("after")
	bounds := []bound{
		atMost("signin", "*", 1, "only the first sign-in: the session survives the fault"),
		{counter: "refresh", phase: "*", min: 1, max: loads + 2, why: "refreshed once it can be; at most one refresh per page load"},
		atMost("token", "during", log.pageLoads("during")+2, "token endpoint calls while it is down: at most one per page load"),
	}
	if f.name == "jwks_blip" {
		secs := int64(math.Ceil(f.d.Seconds()))
		bounds = append(bounds, atMost("jwks", "during", secs+3, "JWKS attempts while it is down: about one a second"))
	}
	log.report(t, bounds, app)
}

// restartKeepsSession: a signed-in browser (sessions in its cookies); the
// app process restarts with the same secrets and empty caches; the next page
// load, 6 parallel requests, is all 200 with no new sign-in.
func (w weather) restartKeepsSession(t *testing.T) {
	rig := newHostedRig(t, freePort(t))
	log := newWeatherLog("restart_keeps_session (nethttp, cookie sessions)", rig.counters()...)
	log.phase("start")
	env := rig.env()
	env["PORT"] = strings.TrimPrefix(rig.appURL, "http://127.0.0.1:")
	app := startApp(t, w.dir, "nethttp", env)
	b := newHostedBrowser(t, "alice")
	log.phase("sign-in")
	mustSignIn(t, b, rig.appURL, app)
	c := &crowd{t: t, base: rig.appURL, log: log}
	log.phase("before")
	c.burst([]visitor{b})
	log.phase("restart")
	app.restart()
	log.phase("after")
	c.burst([]visitor{b})
	c.burst([]visitor{b})
	log.report(t, []bound{
		atMost("signin", "*", 1, "only the first sign-in"),
		atMost("jwks", "restart", 2, "the new process loads the JWKS once (one spare)"),
		atMost("jwks", "after", 1, "loaded at start-up, at most once more"),
	}, app)
}

// twoReplicas: two app processes with the same secrets behind one
// round-robin proxy (the app URL), sessions in one redis-server, refresh
// tokens rotated with no grace period. Three
// signed-in browsers load pages across both replicas as their access tokens
// come due, twice: all 200 and exactly one refresh call per session per
// expiry (refreshes are coordinated through the store).
func (w weather) twoReplicas(t *testing.T) {
	rdbAddr := startRedisServer(t)
	port := freePort(t)
	// Cognito rotates refresh tokens with no grace period: a refresh token
	// works once, so two replicas spending one would sign the user out.
	rig := newHostedRig(t, port, ct.WithTokenTTL(shortTTL), ct.WithRefreshRotation(0))
	log := newWeatherLog("two_replicas (2 × nethttp, redis sessions, round robin, 3 browsers, token TTL 6s, refresh rotation, grace 0)", rig.counters()...)
	log.phase("start")
	env := rig.env()
	env[demo.EnvRedisURL] = "redis://" + rdbAddr + "/0"
	a1 := startApp(t, w.dir, "nethttp", env)
	a2 := startApp(t, w.dir, "nethttp", env)
	rr := startRoundRobin(t, port, a1.URL(), a2.URL())
	browsers := make([]visitor, 3)
	log.phase("sign-in")
	for i := range browsers {
		b := newHostedBrowser(t, fmt.Sprintf("alice-browser%d", i+1))
		mustSignIn(t, b, rig.appURL, a1, a2)
		browsers[i] = b
	}
	issued := time.Now()
	c := &crowd{t: t, base: rig.appURL, log: log}
	log.phase("before")
	c.burst(browsers)
	var bounds []bound
	for cycle := 1; cycle <= 2; cycle++ {
		time.Sleep(time.Until(refreshDue(issued, shortTTL)))
		phase := fmt.Sprintf("expiry%d", cycle)
		log.phase(phase)
		c.burst(browsers)
		issued = time.Now()
		c.burst(browsers)
		bounds = append(bounds, bound{
			counter: "refresh", phase: phase, min: int64(len(browsers)), max: int64(len(browsers)),
			why: "exactly one refresh per session per expiry, across both replicas",
		})
	}
	bounds = append(bounds, atMost("signin", "*", int64(len(browsers)), "only the first sign-ins"))
	log.report(t, bounds, a1, a2)
	t.Logf("round robin served %d by %s and %d by %s", rr.served[0].Load(), a1.URL(), rr.served[1].Load(), a2.URL())
}

// roundRobin is a reverse proxy sending requests to its backends in turn.
type roundRobin struct {
	served []atomic.Int64
}

// startRoundRobin serves on 127.0.0.1:port, alternating between backends.
func startRoundRobin(t *testing.T, port string, backends ...string) *roundRobin {
	t.Helper()
	targets := make([]*url.URL, len(backends))
	for i, b := range backends {
		targets[i], _ = url.Parse(b)
	}
	rr := &roundRobin{served: make([]atomic.Int64, len(backends))}
	var next atomic.Int64
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	proxy := &httputil.ReverseProxy{
		Transport: tr,
		Rewrite: func(r *httputil.ProxyRequest) {
			i := int(next.Add(1)-1) % len(targets)
			rr.served[i].Add(1)
			r.SetURL(targets[i])
			r.Out.Host = r.In.Host // the replicas see the address the browser used
		},
	}
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close(); tr.CloseIdleConnections() })
	return rr
}

// startRedisServer runs a real redis-server on a free loopback port, with no
// persistence (scripts/test.sh installs it), and returns its address.
func startRedisServer(t *testing.T) string {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	out := &syncWriter{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("redis-server (scripts/test.sh installs Debian's redis-server): %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := "127.0.0.1:" + port
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer func() { _ = rdb.Close() }()
	deadline := time.Now().Add(10 * time.Second)
	for rdb.Ping(t.Context()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not start:\n%s", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return addr
}
