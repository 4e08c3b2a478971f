package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/examples/internal/demo"
)

// binaries builds cognito-local and every example once per test run.
var binaries = sync.OnceValues(func() (string, error) {
	dir, err := tempDir()
	if err != nil {
		return "", err
	}
	for _, pkg := range []string{
		"github.com/cognitoauth/cognito-auth-go/core/cmd/cognito-local", "./nethttp", "./gin", "./echo", "./fiber", "./lambda", "./chi", "./echov5", "./fiberv3",
		"./serverless", "github.com/cognitoauth/cognito-auth-go/lambdaauth/cmd/apigateway-local",
	} {
		out, err := exec.Command("go", "build", "-o", dir+"/", pkg).CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	return dir, nil
})

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// syncWriter collects a process's output for failure messages.
type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
func (w *syncWriter) String() string { w.mu.Lock(); defer w.mu.Unlock(); return w.b.String() }

// startProcess starts bin with args and env (nil: this process's
// environment), its output in out. When the test ends it is sent SIGTERM,
// killed if it has not exited 10 s later, and waited for.
func startProcess(t *testing.T, out io.Writer, env []string, bin string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, out, out
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
}

func waitFor(t *testing.T, url string, out *syncWriter) {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never answered 200; output:\n%s", url, out)
}

type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(c.CloseIdleConnections)
	return &browser{t: t, c: c}
}

func (b *browser) do(method, u string, form url.Values, accept string) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequestWithContext(b.t.Context(), method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", accept)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	return resp, string(data)
}

const html = "text/html,application/xhtml+xml"

// TestDemoEndToEnd runs the README's demo for every framework: cognito-local
// starts the example as a real process and plays the ALB in front of it.
func TestDemoEndToEnd(t *testing.T) {
	dir, err := binaries()
	if err != nil {
		t.Fatal(err)
	}
	for _, fw := range []string{"nethttp", "gin", "echo", "fiber", "chi", "echov5", "fiberv3"} {
		t.Run(fw, func(t *testing.T) {
			proxyPort, appPort := freePort(t), freePort(t)
			out := &syncWriter{}
			startProcess(t, out, nil, filepath.Join(dir, "cognito-local"),
				"-listen", "127.0.0.1:"+proxyPort, "-upstream", "http://127.0.0.1:"+appPort, "--", filepath.Join(dir, fw))
			proxy, app := "http://127.0.0.1:"+proxyPort, "http://127.0.0.1:"+appPort
			waitFor(t, proxy+"/.cognito-local/healthz", out)
			waitFor(t, app+"/health", out)
			walk(t, proxy, app, out)
		})
	}
}

func walk(t *testing.T, proxy, app string, out *syncWriter) {
	b := newBrowser(t)
	// A newcomer opens the printed URL and is sent to the login page.
	resp, _ := b.do(http.MethodGet, proxy+"/", nil, html)
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), "/.cognito-local/login") {
		t.Fatalf("first visit: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), out)
	}
	_, page := b.do(http.MethodGet, proxy+resp.Header.Get("Location"), nil, html)
	for _, who := range []string{"alice@example.com", "root@example.com", "eve@example.com"} {
		if !strings.Contains(page, who) {
			t.Fatalf("login page does not list %s", who)
		}
	}
	// Pick alice (staff): the page shows who she is.
	resp, _ = b.do(http.MethodPost, proxy+"/.cognito-local/login", url.Values{"user": {"0"}, "rd": {"/"}}, html)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	resp, body := b.do(http.MethodGet, proxy+"/", nil, html)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `<strong id="email">alice@example.com</strong>`) {
		t.Fatalf("home as alice: %d %s\n%s", resp.StatusCode, body, out)
	}
	resp, body = b.do(http.MethodGet, proxy+"/api/me", nil, "application/json")
	var me demo.Me
	if err := json.Unmarshal([]byte(body), &me); err != nil || resp.StatusCode != http.StatusOK || me.Email != "alice@example.com" || me.IsAdmin {
		t.Fatalf("/api/me as alice: %d %s", resp.StatusCode, body)
	}
	// Refused at /admin: she is not in admins.
	if resp, _ = b.do(http.MethodGet, proxy+"/admin", nil, html); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("/admin as alice: %d", resp.StatusCode)
	}
	// Sign out, sign in as root (admins): /admin opens.
	b.do(http.MethodGet, proxy+"/.cognito-local/logout", nil, html)
	b.do(http.MethodPost, proxy+"/.cognito-local/login", url.Values{"user": {"1"}, "rd": {"/admin"}}, html)
	if resp, body = b.do(http.MethodGet, proxy+"/admin", nil, html); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Admin area") {
		t.Fatalf("/admin as root: %d %s", resp.StatusCode, body)
	}
	// /health needs no headers, straight to the app.
	direct := newBrowser(t)
	if resp, body = direct.do(http.MethodGet, app+"/health", nil, "*/*"); resp.StatusCode != http.StatusOK || body != "ok" {
		t.Fatalf("/health direct: %d %q", resp.StatusCode, body)
	}
	// /ping is the same handler as /health, but protected.
	if resp, body = b.do(http.MethodGet, proxy+"/ping", nil, "*/*"); resp.StatusCode != http.StatusOK || body != "ok" {
		t.Fatalf("/ping through the proxy: %d %q", resp.StatusCode, body)
	}
	if resp, _ = direct.do(http.MethodGet, app+"/ping", nil, "application/json"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("/ping direct: %d", resp.StatusCode)
	}
	// Going round the proxy is refused: the app verifies for real.
	if resp, _ = direct.do(http.MethodGet, app+"/", nil, "application/json"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("direct request without the proxy: %d", resp.StatusCode)
	}
	if resp, _ = direct.do(http.MethodGet, app+"/api/me", nil, html); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("direct browser request without the proxy: %d", resp.StatusCode)
	}
}
