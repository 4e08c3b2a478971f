package examples_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// envUpdateScreenshots rewrites docs/img's screenshots and their page
// hashes: UPDATE_PAGE_SCREENSHOTS=1 go test -run TestPageScreenshots ./examples
const envUpdateScreenshots = "UPDATE_PAGE_SCREENSHOTS"

// shots takes the documentation's screenshots of the pages a person sees,
// in headless Chromium. Each page's HTML (hidden form values blanked: they
// hold random state, CSRF tokens and ports) is hashed; the hash is kept
// beside the PNG in docs/img/NAME.html-sha256. Without
// UPDATE_PAGE_SCREENSHOTS the test only checks (as CI does): a page whose
// HTML no longer has the recorded hash fails, so a template or stylesheet
// change cannot land with a stale screenshot.
type shots struct {
	t      *testing.T
	b      context.Context
	update bool
	taken  []string
}

var hiddenValue = regexp.MustCompile(`(<input type="hidden" name="[^"]*" value=")[^"]*(")`)

// take records the page now in the browser as docs/img/name.png.
func (s *shots) take(name string) {
	s.t.Helper()
	html, err := chromedp.Run(s.b, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		s.t.Fatalf("%s: reading the page: %v", name, err)
	}
	sum := sha256.Sum256([]byte(hiddenValue.ReplaceAllString(html, "${1}${2}")))
	want := hex.EncodeToString(sum[:]) + "\n"
	s.taken = append(s.taken, name+".png")
	png := filepath.Join("..", "docs", "img", name+".png")
	hashFile := strings.TrimSuffix(png, ".png") + ".html-sha256"
	if s.update {
		img, err := chromedp.Run(s.b, chromedp.FullScreenshot(100)) // quality 100: PNG
		if err != nil {
			s.t.Fatalf("%s: screenshot: %v", name, err)
		}
		if err := os.MkdirAll(filepath.Dir(png), 0o755); err != nil {
			s.t.Fatal(err)
		}
		if err := os.WriteFile(png, img, 0o644); err != nil {
			s.t.Fatal(err)
		}
		if err := os.WriteFile(hashFile, []byte(want), 0o644); err != nil {
			s.t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(hashFile)
	if st, serr := os.Stat(png); err != nil || serr != nil || st.Size() < 5000 {
		s.t.Errorf("%s: no screenshot in docs/img (%v %v); run %s=1 go test -run TestPageScreenshots ./examples", name, err, serr, envUpdateScreenshots)
		return
	}
	if string(got) != want {
		s.t.Errorf("%s: the page changed since docs/img/%s.png was taken; run %s=1 go test -run TestPageScreenshots ./examples and commit docs/img",
			name, name, envUpdateScreenshots)
	}
}

// TestPageScreenshots walks the pages a person sees in a real browser,
// through the nethttp example (a real process, real router), checks what
// each says and that its links work, and checks (or, with
// UPDATE_PAGE_SCREENSHOTS=1, takes) the screenshots docs/pages.md shows:
// the local hosted UI's sign-in page, the 403 page for alice on /admin,
// the sign-out confirmation, the signed-out notice, the 401 page of an
// expired sign-in behind an ALB, and cognito-local's ALB-mode sign-in
// page.
func TestPageScreenshots(t *testing.T) {
	dir, err := binaries()
	if err != nil {
		t.Fatal(err)
	}
	s := &shots{t: t, update: os.Getenv(envUpdateScreenshots) == "1"}
	t.Run("hosted UI", func(t *testing.T) { s.t = t; hostedUIPages(t, s, filepath.Join(dir, "nethttp")) })
	t.Run("ALB", func(t *testing.T) { s.t = t; albPages(t, s, dir) })
	// Every screenshot in docs/img is one this test takes.
	all, _ := filepath.Glob(filepath.Join("..", "docs", "img", "*.png"))
	for _, f := range all {
		if !slices.Contains(s.taken, filepath.Base(f)) {
			t.Errorf("docs/img/%s is taken by no test: remove it, or take it in TestPageScreenshots", filepath.Base(f))
		}
	}
}

// startExample runs bin with env on a free port and returns its URL.
func startExample(t *testing.T, bin string, env ...string) (string, *syncWriter) {
	t.Helper()
	return startAppOn(t, bin, freePort(t), env...)
}

// startAppOn runs bin with env on port.
func startAppOn(t *testing.T, bin, port string, env ...string) (string, *syncWriter) {
	t.Helper()
	out := &syncWriter{}
	startProcess(t, out, append(append(os.Environ(), "HOST=127.0.0.1", "PORT="+port), env...), bin)
	app := "http://127.0.0.1:" + port
	waitFor(t, app+"/health", out)
	return app, out
}

// screenshotBrowser is newChromium at the screenshots' window size.
func screenshotBrowser(t *testing.T) context.Context {
	t.Helper()
	b := newChromium(t)
	if err := chromedp.Do(b, chromedp.EmulateViewport(820, 640)); err != nil {
		t.Fatal(err)
	}
	return b
}

// text returns the text of the element with id, failing the test when it
// is not there.
func text(t *testing.T, b context.Context, id string) string {
	t.Helper()
	v, err := chromedp.Run(b, chromedp.Text(chromedp.ID(id)))
	if err != nil {
		t.Fatalf("no #%s: %v", id, err)
	}
	return v
}

func href(t *testing.T, b context.Context, id string) string {
	t.Helper()
	v, err := chromedp.Run(b, chromedp.AttributeValue(chromedp.ID(id), "href"))
	if err != nil || !v.Exists {
		t.Fatalf("no href on #%s: %v", id, err)
	}
	return v.Value
}

func location(t *testing.T, b context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(b, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func hostedUIPages(t *testing.T, s *shots, bin string) {
	iss := ct.Start(t)
	port := freePort(t)
	app := "http://127.0.0.1:" + port
	ui := iss.StartHostedUI(ct.WithClientSecret("s3cret"), ct.WithRedirectURIs(app+"/login/cognito/authorized"), ct.WithLogoutURIs(app+"/"))
	t.Cleanup(ui.Close)
	env := []string{
		"COGNITO_AUTH_DOMAIN=" + ui.URL(), "COGNITO_AUTH_CLIENT_SECRET=s3cret", "COGNITO_AUTH_APP_URL=" + app,
		"COGNITO_AUTH_SESSION_SECRET=screenshot-session-secret-0123456789abcdef",
	}
	for k, v := range iss.Env() {
		if k != "COGNITO_AUTH_ALB_ARN" && k != "COGNITO_AUTH_ALB_KEYS_URL" {
			env = append(env, k+"="+v)
		}
	}
	_, out := startAppOn(t, bin, port, env...)
	b := screenshotBrowser(t)
	s.b = b
	id := func(s string) chromedp.ID { return chromedp.ID(s) }

	// The local hosted UI's sign-in page, with the demo users.
	if err := chromedp.Do(b, chromedp.Navigate(app+"/admin"), chromedp.WaitVisible(id("username"))); err != nil {
		t.Fatalf("no sign-in form: %v\n%s", err, out)
	}
	page, _ := chromedp.Run(b, chromedp.OuterHTML(chromedp.CSS("html")))
	for _, want := range []string{
		`<label for="username">Username or email</label>`, `<label for="password">Password</label>`,
		`autocomplete="current-password"`, `role="alert"`, "alice@example.com", "root@example.com", ct.DefaultPassword,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the sign-in page lacks %s", want)
		}
	}
	s.take("hostedui-sign-in")

	// Signed in as alice, back on /admin: refused, and told who she is.
	if err := chromedp.Do(b, chromedp.SendKeys(id("username"), "alice"), chromedp.SendKeys(id("password"), ct.DefaultPassword),
		chromedp.Click(id("signin")), chromedp.WaitVisible(id("signed-in-as"))); err != nil {
		t.Fatalf("signing in: %v\n%s", err, out)
	}
	if title, _ := chromedp.Run(b, chromedp.Title()); title != "403 Access denied" || text(t, b, "signed-in-as") != "Signed in as alice@example.com" ||
		!strings.Contains(text(t, b, "message"), "only for some users or groups") || location(t, b) != app+"/admin" {
		t.Fatalf("the 403 page: %q %q at %s", title, text(t, b, "message"), location(t, b))
	}
	if href(t, b, "signout-link") != "/logout/cognito?rd=%2Fadmin" || href(t, b, "start") != "/" {
		t.Fatalf("the 403 page's links: %q %q", href(t, b, "signout-link"), href(t, b, "start"))
	}
	s.take("refused-403")

	// Sign out: the confirmation, whose Cancel goes back to /admin.
	if err := chromedp.Do(b, chromedp.Click(id("signout-link")), chromedp.WaitVisible(id("signout"))); err != nil {
		t.Fatalf("Sign out: %v\n%s", err, out)
	}
	if text(t, b, "message") != "Sign out of this app?" || text(t, b, "signed-in-as") != "Signed in as alice@example.com" || text(t, b, "cancel") != "Cancel" {
		t.Fatalf("the sign-out page: %q", text(t, b, "message"))
	}
	s.take("sign-out")
	if err := chromedp.Do(b, chromedp.Click(id("cancel")), chromedp.WaitVisible(id("signed-in-as"))); err != nil || location(t, b) != app+"/admin" {
		t.Fatalf("Cancel: at %s (%v)", location(t, b), err)
	}
	// Back to the start: the home page, still signed in.
	if err := chromedp.Do(b, chromedp.Click(id("start")), chromedp.WaitVisible(id("email"))); err != nil || text(t, b, "email") != "alice@example.com" {
		t.Fatalf("Back to the start: at %s (%v)", location(t, b), err)
	}

	// Sign out for real: Cognito's logout returns to the app, which says so.
	if err := chromedp.Do(b, chromedp.Navigate(app+"/admin"), chromedp.WaitVisible(id("signout-link")), chromedp.Click(id("signout-link")),
		chromedp.WaitVisible(id("signout")), chromedp.Click(id("signout")), chromedp.WaitVisible(id("signin-link"))); err != nil {
		t.Fatalf("signing out: %v\n%s", err, out)
	}
	if title, _ := chromedp.Run(b, chromedp.Title()); title != "Signed out" || text(t, b, "message") != "You have been signed out." {
		t.Fatalf("the signed-out notice: %q %q", title, text(t, b, "message"))
	}
	s.take("signed-out")
	if err := chromedp.Do(b, chromedp.Click(id("signin-link")), chromedp.WaitVisible(id("username"))); err != nil {
		t.Fatalf("Sign in again: %v", err)
	}
}

func albPages(t *testing.T, s *shots, dir string) {
	b := screenshotBrowser(t)
	s.b = b
	id := func(s string) chromedp.ID { return chromedp.ID(s) }

	// cognito-local's sign-in page in front of the app (ALB mode).
	proxyPort, appPort := freePort(t), freePort(t)
	out := &syncWriter{}
	startProcess(t, out, nil, filepath.Join(dir, "cognito-local"),
		"-listen", "127.0.0.1:"+proxyPort, "-upstream", "http://127.0.0.1:"+appPort, "--", filepath.Join(dir, "nethttp"))
	proxy := "http://127.0.0.1:" + proxyPort
	waitFor(t, proxy+"/.cognito-local/healthz", out)
	waitFor(t, "http://127.0.0.1:"+appPort+"/health", out)
	alice := chromedp.Search(`//form[.//strong[text()="alice@example.com"]]//button`)
	if err := chromedp.Do(b, chromedp.Navigate(proxy+"/admin"), chromedp.WaitVisible(alice)); err != nil {
		t.Fatalf("no cognito-local sign-in page: %v\n%s", err, out)
	}
	s.take("cognito-local-sign-in")
	// alice at /admin behind the "ALB": refused, named, and Sign out
	// signs out of cognito-local, whose page then says so.
	if err := chromedp.Do(b, chromedp.Click(alice), chromedp.WaitVisible(id("signed-in-as"))); err != nil {
		t.Fatalf("signing in as alice: %v\n%s", err, out)
	}
	if text(t, b, "signed-in-as") != "Signed in as alice@example.com" || href(t, b, "signout-link") != "/.cognito-local/logout" {
		t.Fatalf("the 403 page behind the ALB: %q %q", text(t, b, "signed-in-as"), href(t, b, "signout-link"))
	}
	if err := chromedp.Do(b, chromedp.Click(id("signout-link")), chromedp.WaitVisible(id("signed-out"))); err != nil ||
		text(t, b, "signed-out") != "You have been signed out." {
		t.Fatalf("Sign out behind the ALB: %v\n%s", err, out)
	}

	// An expired sign-in behind an ALB (headers minted expired, sent by
	// the browser straight to the app): 401, sign in again.
	iss := ct.Start(t)
	env := []string{"COGNITO_AUTH_SIGN_OUT_URL=/logout"}
	for k, v := range iss.Env() {
		env = append(env, k+"="+v)
	}
	app, appOut := startExample(t, filepath.Join(dir, "nethttp"), env...)
	headers := network.Headers{}
	for k, v := range iss.Mint(ct.User{Email: "alice@example.com", Groups: []string{"staff"}}, ct.Expired()).Header() {
		headers[k] = v[0]
	}
	setHeaders := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: headers})
		return err
	})
	b2 := screenshotBrowser(t)
	s.b = b2
	if err := chromedp.Do(b2, setHeaders, chromedp.Navigate(app+"/"), chromedp.WaitVisible(id("signin-link"))); err != nil {
		t.Fatalf("the 401 page: %v\n%s", err, appOut)
	}
	if title, _ := chromedp.Run(b2, chromedp.Title()); title != "401 Your sign-in has expired" || href(t, b2, "signin-link") != "/logout" ||
		text(t, b2, "signin-link") != "Sign in again" || href(t, b2, "start") != "/" {
		t.Fatalf("the 401 page: %q %q %q", title, href(t, b2, "signin-link"), text(t, b2, "signin-link"))
	}
	s.take("refused-401")
}
