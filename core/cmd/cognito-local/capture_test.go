package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// tools holds the commands built for the tests, by package directory.
var tools struct {
	sync.Mutex
	dir  string
	bins map[string]string
}

func TestMain(m *testing.M) {
	if os.Getenv(helperAppEnv) == "1" {
		os.Exit(helperApp())
	}
	code := m.Run()
	if tools.dir != "" {
		_ = os.RemoveAll(tools.dir)
	}
	os.Exit(code)
}

// buildTool builds the command in pkg (a directory relative to this one)
// once per test run and returns its path.
func buildTool(t *testing.T, pkg string) string {
	t.Helper()
	tools.Lock()
	defer tools.Unlock()
	if bin, ok := tools.bins[pkg]; ok {
		return bin
	}
	if tools.dir == "" {
		dir, err := os.MkdirTemp("", "cognito-local-tools")
		if err != nil {
			t.Fatal(err)
		}
		tools.dir, tools.bins = dir, map[string]string{}
	}
	abs, err := filepath.Abs(pkg)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(tools.dir, filepath.Base(abs))
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	tools.bins[pkg] = bin
	return bin
}

// received is a request as the app received it.
type received struct {
	method, uri, host string
	header            http.Header
}

// captureSetup starts cognito-local with -capture dir in front of an app
// (httptest, loopback) that verifies every request with core and records
// what it received. It returns the proxy's URL, a browser-like client, the
// environment the app was given, and what the app received.
func captureSetup(t *testing.T, dir string) (string, *http.Client, map[string]string, func() []received) {
	t.Helper()
	mux := http.NewServeMux()
	front := httptest.NewServer(mux)
	t.Cleanup(front.Close)
	iss, err := ct.New(ct.WithKeyServerURL(front.URL + keysPrefix))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(iss.Close)
	var (
		mu   sync.Mutex
		got  []received
		auth *core.BaseAuth // set below, before any request is sent
	)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, received{r.Method, r.RequestURI, r.Host, r.Header.Clone()})
		mu.Unlock()
		u, err := auth.Authenticate(r.Context(), core.HTTPRequest(r))
		if err != nil {
			f := auth.Failure(core.HTTPRequest(r), err)
			f.Write(w)
			return
		}
		_, _ = io.WriteString(w, "verified:"+u.Email)
	}))
	t.Cleanup(app.Close)
	up, _ := url.Parse(app.URL)
	c, err := openCaptures(dir, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(iss, defaultUsers, up, proxyConfig{ttl: time.Hour, capture: c})
	mux.Handle("/", p)
	env := p.env(up.Port())
	if err := c.writeEnv(env); err != nil {
		t.Fatal(err)
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	auth, err = core.New(core.WithEnvironment(lookup), core.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = auth.Close() })
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	t.Cleanup(client.CloseIdleConnections)
	return front.URL, client, env, func() []received {
		mu.Lock()
		defer mu.Unlock()
		return append([]received(nil), got...)
	}
}

var reLoginForm = regexp.MustCompile(`(?s)<form class="user" method="post" action="([^"]+)">\s*<div><strong>([^<]+)</strong>.*?<input type="hidden" name="user" value="([0-9]+)"><input type="hidden" name="rd" value="([^"]*)">`)

// signIn signs in as email through the login form, as a browser would:
// the app's page redirects to the form, the form is posted, and the
// browser lands back on the page. It returns that page's status and body.
func signIn(t *testing.T, c *http.Client, base, path, email string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+path, nil)
	req.Header.Set("Accept", "text/html")
	resp, err := c.Do(req) // follows the redirect to the login page
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.Request.URL.Path != loginPath {
		t.Fatalf("%s without a session landed on %s, not the login page", path, resp.Request.URL)
	}
	for _, m := range reLoginForm.FindAllStringSubmatch(string(page), -1) {
		if m[2] != email {
			continue
		}
		rd := strings.ReplaceAll(m[4], "&amp;", "&")
		resp, err := c.PostForm(base+m[1], url.Values{"user": {m[3]}, "rd": {rd}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.Request.URL.RequestURI() != path {
			t.Fatalf("after signing in: landed on %s, want %s", resp.Request.URL, path)
		}
		return resp.StatusCode, string(body)
	}
	t.Fatalf("the login form offers no %s:\n%s", email, page)
	return 0, ""
}

// captured returns the capture files of dir, in order.
func captured(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"+captureExt))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// TestCaptureIsExplained: cognito-local -capture writes each request as the
// app received it — method, target, Host and every header, the
// x-amzn-oidc-* it added among them — and cognito-auth explain, given the
// capture and the environment cognito-local gave the app, verifies it.
func TestCaptureIsExplained(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "captures")
	base, c, env, appGot := captureSetup(t, dir)
	if _, body := signIn(t, c, base, "/orders?status=open", "alice@example.com"); body != "verified:alice@example.com" {
		t.Fatalf("the app answered %q", body)
	}
	files := captured(t, dir)
	got := appGot()
	if len(files) != 1 || len(got) != 1 {
		t.Fatalf("%d captures and %d requests at the app, want one each: %v", len(files), len(got), files)
	}
	if name := filepath.Base(files[0]); name != "000001-GET-orders.http" {
		t.Errorf("capture named %s", name)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(files[0]); fi.Mode().Perm() != 0o600 {
		t.Errorf("capture mode %v: it holds live tokens", fi.Mode().Perm())
	}
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatalf("the capture is not an HTTP request: %v\n%s", err, raw)
	}
	want := got[0]
	if r.Method != want.method || r.RequestURI != want.uri || r.Host != want.host || !reflect.DeepEqual(r.Header, want.header) {
		t.Errorf("the capture differs from what the app received:\n capture %s %s host %s %v\n app     %s %s host %s %v",
			r.Method, r.RequestURI, r.Host, r.Header, want.method, want.uri, want.host, want.header)
	}
	for _, h := range []string{core.HeaderData, core.HeaderAccessToken, core.HeaderIdentity, "X-Forwarded-For"} {
		if r.Header.Get(h) == "" {
			t.Errorf("the capture lacks %s", h)
		}
	}

	bin := buildTool(t, "../cognito-auth")
	cmd := exec.Command(bin, "explain", files[0])
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, out)
	}
	for _, want := range []string{
		"request: GET /orders?status=open",
		"[ok  ] signature              ES256",
		"[ok  ] signature              RS256",
		"verdict: ALLOWED - the app lets this request in",
		"user: sub " + defaultUsers[0].Sub,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("explain's output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "[FAIL]") {
		t.Errorf("a check failed:\n%s", out)
	}
}

// TestCaptureFiles: captures are numbered after those already in the
// directory (a restart never overwrites one), named safely whatever the
// path, and the environment file quotes every value for the shell.
func TestCaptureFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"000041-GET.http", "notes.txt", captureEnvFile} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c, err := openCaptures(dir, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.next != 42 {
		t.Errorf("next capture %d, want 42", c.next)
	}
	for _, tc := range []struct {
		n            int
		method, path string
		want         string
	}{
		{1, "GET", "/", "000001-GET.http"},
		{2, "POST", "/api/orders/", "000002-POST-api_orders.http"},
		{3, "GET", "/../../etc/passwd", "000003-GET-_._.._etc_passwd.http"},
		{4, "GET", "/.hidden", "000004-GET-_hidden.http"},
		{5, "GET", "/" + strings.Repeat("a", 100), "000005-GET-" + strings.Repeat("a", 48) + ".http"},
		{6, "M\x00/", "/x y\\z", "000006-M__-x_y_z.http"},
	} {
		got := captureName(tc.n, tc.method, tc.path)
		if got != tc.want {
			t.Errorf("captureName(%d, %q, %q) = %q, want %q", tc.n, tc.method, tc.path, got, tc.want)
		}
		if strings.ContainsAny(got, "/\\") || strings.HasPrefix(got, ".") {
			t.Errorf("%q is not a plain file name", got)
		}
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no POSIX shell to read the environment file with")
	}
	if err := c.writeEnv(map[string]string{"COGNITO_AUTH_CLIENT_ID": "it's $HOME `x`", "COGNITO_AUTH_REGION": "plain", "PORT": "8080"}); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("sh", "-c", ". "+filepath.Join(dir, captureEnvFile)+` && printf '%s|%s|%s' "$COGNITO_AUTH_CLIENT_ID" "$COGNITO_AUTH_REGION" "${PORT-unset}"`).CombinedOutput()
	if err != nil || string(out) != "it's $HOME `x`|plain|unset" {
		t.Errorf("the environment file read back as %q (%v)", out, err)
	}
	if _, err := openCaptures(filepath.Join(dir, captureEnvFile, "sub"), io.Discard); err == nil {
		t.Error("a capture directory under a file was accepted")
	}
	if _, err := parseFlags([]string{"-hosted-ui", "-capture", dir}, io.Discard); err == nil || !strings.Contains(err.Error(), "-capture") {
		t.Errorf("-capture with -hosted-ui: %v", err)
	}
}

// TestCaptureWriteFailureStillForwards: a capture that cannot be written is
// reported, and the request still reaches the app.
func TestCaptureWriteFailureStillForwards(t *testing.T) {
	dir := t.TempDir()
	var errs bytes.Buffer
	c, err := openCaptures(dir, &errs)
	if err != nil {
		t.Fatal(err)
	}
	c.dir = filepath.Join(dir, "gone") // removed under it
	var reached bool
	tr := captureTransport{next: roundTripFunc(func(*http.Request) (*http.Response, error) {
		reached = true
		return nil, errors.New("stop")
	}), c: c}
	req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:1/x", nil)
	req.RequestURI = ""
	_, _ = tr.RoundTrip(req)
	if !reached || !strings.Contains(errs.String(), "-capture") {
		t.Errorf("reached %v, reported %q", reached, errs.String())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
