package examples_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// chromium is Debian's Chromium, installed by scripts/test.sh.
const chromium = "/usr/bin/chromium"

// TestHostedUIInRealBrowser walks the hosted-UI login in headless Chromium
// against every example app (a real process in hosted-UI mode): protected
// page -> hosted-UI login form -> back to the page first asked for with the
// user shown -> token expiry -> silent refresh -> sign out -> the
// signed-out notice -> sign in again.
func TestHostedUIInRealBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium is required (scripts/test.sh installs Debian's chromium): %v", err)
	}
	dir, err := binaries()
	if err != nil {
		t.Fatal(err)
	}
	for _, fw := range []string{"nethttp", "gin", "echo", "fiber", "chi", "echov5", "fiberv3"} {
		t.Run(fw, func(t *testing.T) { browserWalk(t, filepath.Join(dir, fw)) })
	}
}

func browserWalk(t *testing.T, bin string) {
	port := freePort(t)
	app := "http://127.0.0.1:" + port
	iss := ct.Start(t)
	ui := iss.StartHostedUI(ct.WithClientSecret("s3cret"), ct.WithRedirectURIs(app+"/login/cognito/authorized"),
		ct.WithLogoutURIs(app+"/"), ct.WithTokenTTL(3*time.Second))
	t.Cleanup(ui.Close)

	out := &syncWriter{}
	env := append(os.Environ(), "HOST=127.0.0.1", "PORT="+port,
		"COGNITO_AUTH_DOMAIN="+ui.URL(), "COGNITO_AUTH_CLIENT_SECRET=s3cret", "COGNITO_AUTH_APP_URL="+app,
		"COGNITO_AUTH_SESSION_SECRET=browser-test-session-secret-0123456789abcdef")
	for k, v := range iss.Env() {
		if k != "COGNITO_AUTH_ALB_ARN" && k != "COGNITO_AUTH_ALB_KEYS_URL" {
			env = append(env, k+"="+v)
		}
	}
	startProcess(t, out, env, bin)
	waitFor(t, app+"/health", out)
	walkInChromium(t, app, ui, out)
}

// walkInChromium signs in through the hosted UI in headless Chromium at the
// app's URL app (with any path prefix), waits for the 3 s tokens to need a
// refresh, reloads, and signs out.
func walkInChromium(t *testing.T, app string, ui *ct.HostedUI, out *syncWriter) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()))
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	bctx, tcancel := context.WithTimeout(bctx, 60*time.Second)
	defer tcancel()

	id := func(s string) chromedp.ID { return chromedp.ID(s) }
	// Protected page -> hosted-UI form.
	if err := chromedp.Do(bctx, chromedp.Navigate(app+"/?from=browser"), chromedp.WaitVisible(id("username"))); err != nil {
		t.Fatalf("no login form: %v\n%s", err, out)
	}
	if loc, err := chromedp.Run(bctx, chromedp.Location()); err != nil || !strings.HasPrefix(loc, ui.URL()+"/oauth2/authorize") {
		t.Fatalf("not sent to the hosted UI: %v %s", err, loc)
	}
	// Sign in -> back to the page first asked for, with the user shown.
	if err := chromedp.Do(bctx,
		chromedp.SendKeys(id("username"), "alice"),
		chromedp.SendKeys(id("password"), ct.DefaultPassword),
		chromedp.Click(id("signin")),
		chromedp.WaitVisible(id("email")),
	); err != nil {
		t.Fatalf("signing in: %v\n%s", err, out)
	}
	email, err := chromedp.Run(bctx, chromedp.Text(id("email")))
	loc, lerr := chromedp.Run(bctx, chromedp.Location())
	if err != nil || lerr != nil || email != "alice@example.com" || loc != app+"/?from=browser" {
		t.Fatalf("after signing in: email=%q at %s (%v %v)\n%s", email, loc, err, lerr, out)
	}
	refusedCanActInChromium(t, bctx, app, out)
	// Token expiry: 3 s tokens are refreshed silently on the next request.
	refreshes := ui.RefreshCalls()
	time.Sleep(2500 * time.Millisecond)
	if err := chromedp.Do(bctx, chromedp.Reload(), chromedp.WaitVisible(id("email"))); err != nil {
		t.Fatalf("reload after expiry: %v\n%s", err, out)
	}
	if email, err = chromedp.Run(bctx, chromedp.Text(id("email"))); err != nil || email != "alice@example.com" || ui.RefreshCalls() <= refreshes {
		t.Fatalf("after the token expired: email=%q refreshes=%d (%v)\n%s", email, ui.RefreshCalls()-refreshes, err, out)
	}
	// Sign out -> the hosted UI's logout -> back to the app -> the
	// signed-out notice -> Sign in again -> asked to log in.
	if err := chromedp.Do(bctx,
		chromedp.Click(id("signout-link")),
		chromedp.WaitVisible(id("signout")),
		chromedp.Click(id("signout")),
		chromedp.WaitVisible(id("signin-link")),
	); err != nil {
		t.Fatalf("signing out: %v\n%s", err, out)
	}
	if notice, err := chromedp.Run(bctx, chromedp.Text(id("message"))); err != nil || notice != "You have been signed out." {
		t.Fatalf("after signing out: %q (%v)", notice, err)
	}
	if err := chromedp.Do(bctx, chromedp.Click(id("signin-link")), chromedp.WaitVisible(id("username"))); err != nil {
		t.Fatalf("signing in again after the notice: %v\n%s", err, out)
	}
	if loc, err := chromedp.Run(bctx, chromedp.Location()); err != nil || !strings.HasPrefix(loc, ui.URL()+"/oauth2/authorize") || ui.RevokeCalls() == 0 {
		t.Fatalf("after signing out: at %s revokes=%d (%v)", loc, ui.RevokeCalls(), err)
	}
}

// refusedCanActInChromium: alice (not in admins) opens /admin at app and
// sees the 403 page with who she is signed in as; its Sign out opens the
// sign-out confirmation, whose Cancel brings her back to /admin; Back to
// the start opens the app's start, her home page.
func refusedCanActInChromium(t *testing.T, b context.Context, app string, out *syncWriter) {
	t.Helper()
	id := func(s string) chromedp.ID { return chromedp.ID(s) }
	if err := chromedp.Do(b, chromedp.Navigate(app+"/admin"), chromedp.WaitVisible(id("signed-in-as"))); err != nil {
		t.Fatalf("/admin as alice: no refusal page naming her: %v\n%s", err, out)
	}
	who, err := chromedp.Run(b, chromedp.Text(id("signed-in-as")))
	title, terr := chromedp.Run(b, chromedp.Title())
	if err != nil || terr != nil || who != "Signed in as alice@example.com" || !strings.HasPrefix(title, "403 ") {
		t.Fatalf("/admin as alice: %q %q (%v %v)", title, who, err, terr)
	}
	if err := chromedp.Do(b, chromedp.Click(id("signout-link")), chromedp.WaitVisible(id("cancel")), chromedp.Click(id("cancel")),
		chromedp.WaitVisible(id("signed-in-as"))); err != nil {
		t.Fatalf("Sign out, then Cancel: %v\n%s", err, out)
	}
	if loc, err := chromedp.Run(b, chromedp.Location()); err != nil || loc != app+"/admin" {
		t.Fatalf("Cancel went to %s, want %s/admin (%v)", loc, app, err)
	}
	if err := chromedp.Do(b, chromedp.Click(id("start")), chromedp.WaitVisible(id("email"))); err != nil {
		t.Fatalf("Back to the start: %v\n%s", err, out)
	}
	if loc, err := chromedp.Run(b, chromedp.Location()); err != nil || loc != app+"/" {
		t.Fatalf("Back to the start went to %s, want %s/ (%v)", loc, app, err)
	}
}
