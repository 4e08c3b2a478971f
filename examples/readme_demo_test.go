package examples_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// readme is the repository's README.md, read by the tests that do what it
// tells a person to do, so the README cannot drift from what works.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// find returns the first submatch of pattern in text, or fails the test
// naming what the README no longer says.
func find(t *testing.T, text, pattern, what string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("README.md no longer says %s (pattern %s)", what, pattern)
	}
	return m[1]
}

// section returns README from heading on.
func section(t *testing.T, text, heading string) string {
	t.Helper()
	_, after, ok := strings.Cut(text, heading)
	if !ok {
		t.Fatalf("README.md has no %q section", heading)
	}
	return after
}

// startREADMECommand runs a shell command from the README at the
// repository root in its own process group, stopped when the test ends.
func startREADMECommand(t *testing.T, command string) *syncWriter {
	t.Helper()
	out := &syncWriter{}
	cmd := exec.Command("bash", "-c", command)
	cmd.Dir = ".."
	// As a person runs it from a checkout: with the repository's go.work,
	// whatever GOWORK the test itself runs under.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOWORK=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	return out
}

// newChromium returns a headless Chromium tab with its own profile.
func newChromium(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium is required (scripts/test.sh installs Debian's chromium): %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()))
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	bctx, tcancel := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(tcancel)
	return bctx
}

// httpStatus answers a plain GET (no cookies, no login) with its status.
func httpStatus(t *testing.T, url string, h map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitReady polls url until it answers at all (any status).
func waitReady(t *testing.T, url string, out *syncWriter) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute) // the command builds the binaries first
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			_ = resp.Body.Close()
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s never answered; output:\n%s", url, out)
}

// TestREADMEDemoALBMode does what README's demo section tells a person to:
// run the first command at the top of README, open the URL it names in a
// browser, pick alice on the login page, see who you are; /admin refuses
// alice and opens for root; /health needs no login; the app itself refuses
// requests that did not come through the proxy; the curl line works as
// written.
func TestREADMEDemoALBMode(t *testing.T) {
	text := readme(t)
	command := find(t, text, "(?m)^```sh\\n(\\./scripts/demo\\.sh)\\s+#", "the demo command at the top")
	demo := section(t, text, "## The demo")
	proxyURL := find(t, demo, "starts `cognito-local` on (http://127\\.0\\.0\\.1:\\d+)", "the URL to open")
	appURL := find(t, demo, "the app itself\\s+\\((http://127\\.0\\.0\\.1:\\d+)\\)", "the app's own URL")
	refused := find(t, demo, "`/admin` refuses `([^`]+)`", "who /admin refuses")
	admin := find(t, demo, "opens for\\s+`([^`]+)`", "who /admin lets in")
	publicPath := find(t, demo, "`(/[a-z]+)` needs no login", "the path that needs no login")
	curl := find(t, demo, "From a terminal: `(curl [^`]+)`", "the curl line")

	out := startREADMECommand(t, command)
	waitReady(t, proxyURL+"/", out)
	b := newChromium(t)

	signIn := func(email string) {
		t.Helper()
		button := chromedp.Search(`//form[.//strong[text()="` + email + `"]]//button`)
		if err := chromedp.Do(b, chromedp.Navigate(proxyURL), chromedp.WaitVisible(button),
			chromedp.Click(button), chromedp.WaitVisible(chromedp.ID("email"))); err != nil {
			t.Fatalf("signing in as %s on the page at %s: %v\n%s", email, proxyURL, err, out)
		}
		if shown, err := chromedp.Run(b, chromedp.Text(chromedp.ID("email"))); err != nil || shown != email {
			t.Fatalf("the app shows %q, want %s (%v)", shown, email, err)
		}
	}
	titleOf := func(url string) string {
		t.Helper()
		if err := chromedp.Do(b, chromedp.Navigate(url)); err != nil {
			t.Fatal(err)
		}
		title, err := chromedp.Run(b, chromedp.Title())
		if err != nil {
			t.Fatal(err)
		}
		return title
	}

	signIn(refused)
	if title := titleOf(proxyURL + "/admin"); !strings.Contains(title, "403") {
		t.Fatalf("/admin for %s: page %q, want a 403 page", refused, title)
	}
	if err := chromedp.Do(b, chromedp.Navigate(proxyURL+"/.cognito-local/logout")); err != nil {
		t.Fatal(err)
	}
	signIn(admin)
	if title := titleOf(proxyURL + "/admin"); title != "Admin area" {
		t.Fatalf("/admin for %s: page %q", admin, title)
	}
	// Without any login (a fresh client, no cookies):
	if status, body := httpStatus(t, proxyURL+publicPath, nil); status != http.StatusOK {
		t.Fatalf("%s through the proxy without a login: %d %q", publicPath, status, body)
	}
	if status, _ := httpStatus(t, proxyURL+"/api/me", map[string]string{"Accept": "application/json"}); status != http.StatusUnauthorized {
		t.Fatalf("/api/me through the proxy without a login: %d", status)
	}
	if status, _ := httpStatus(t, appURL+"/api/me", map[string]string{"Accept": "application/json"}); status != http.StatusUnauthorized {
		t.Fatalf("the app itself answered %d to a request that did not come through the proxy", status)
	}
	res, err := exec.Command("bash", "-c", curl+" -sS --max-time 10").CombinedOutput()
	if err != nil || !strings.Contains(string(res), `"email":"root@example.com"`) {
		t.Fatalf("%s: %v\n%s", curl, err, res)
	}
}

// TestREADMEDemoHostedUIMode: README's hosted-UI demo command, the URL it
// says to open, the form the browser is shown, filled with the user and
// password README names, and the Sign in button clicked.
func TestREADMEDemoHostedUIMode(t *testing.T) {
	text := readme(t)
	demo := section(t, text, "## The demo")
	command := find(t, demo, "`(\\./scripts/demo\\.sh [a-z0-9]+ hosted-ui)`", "the hosted-UI demo command")
	open := find(t, demo, "Open\\s+(http://127\\.0\\.0\\.1:\\d+/) and sign in", "the URL to open")
	user := find(t, demo, "sign in as `([^`]+)`", "the user")
	password := find(t, demo, "with password `([^`]+)`", "the password")

	out := startREADMECommand(t, command)
	waitReady(t, open+"health", out)
	signInOnTheForm(t, open, user, password, out)
}

// signInOnTheForm opens the URL a README names in headless Chromium, fills
// the hosted UI's form with the user and password it names, clicks Sign in,
// and checks the app then shows that user at that URL.
func signInOnTheForm(t *testing.T, open, user, password string, out *syncWriter) {
	t.Helper()
	b := newChromium(t)
	if err := chromedp.Do(b, chromedp.Navigate(open), chromedp.WaitVisible(chromedp.ID("username"))); err != nil {
		t.Fatalf("opening %s: no sign-in form: %v\n%s", open, err, out)
	}
	if err := chromedp.Do(b,
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("email")),
	); err != nil {
		t.Fatalf("signing in on the form: %v\n%s", err, out)
	}
	shown, err := chromedp.Run(b, chromedp.Text(chromedp.ID("email")))
	loc, lerr := chromedp.Run(b, chromedp.Location())
	if err != nil || lerr != nil || shown != user || loc != open {
		t.Fatalf("after signing in: %q at %s; want %s at %s\n%s", shown, loc, user, open, out)
	}
}
