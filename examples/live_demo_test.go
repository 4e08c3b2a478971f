package examples_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestLiveDemoInChromium does what docs/live.md tells a person to do: run
// its command, open its URL, sign in, and watch the gin example's live
// section — the WebSocket echoing and the event stream ticking, both
// ending with "sign-in expired" when the short token does.
func TestLiveDemoInChromium(t *testing.T) {
	doc, err := os.ReadFile("../docs/live.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	command := find(t, text, "(?m)^```sh\\n(TOKEN_TTL=\\S+ \\./scripts/demo\\.sh gin)\\n```", "the live demo command")
	open := find(t, text, "Open <(http://127\\.0\\.0\\.1:\\d+/)>, sign in", "the URL to open")
	out := startREADMECommand(t, command)
	waitReady(t, open, out)
	b := newChromium(t)
	alice := chromedp.Search(`//form[.//strong[text()="alice@example.com"]]//button`)
	if err := chromedp.Do(b, chromedp.Navigate(open), chromedp.WaitVisible(alice), chromedp.Click(alice), chromedp.WaitVisible(chromedp.ID("ws-state"))); err != nil {
		t.Fatalf("signing in at %s: %v\n%s", open, err, out)
	}
	signedIn := time.Now()
	wait := func(what, js string, within time.Duration) {
		t.Helper()
		if _, err := chromedp.Run(b, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(within))); err != nil {
			ws, _ := chromedp.Run(b, chromedp.Text(chromedp.ID("ws-state")))
			sse, _ := chromedp.Run(b, chromedp.Text(chromedp.ID("sse-state")))
			t.Fatalf("%s: %v (WebSocket %q, events %q)\n%s", what, err, ws, sse, out)
		}
	}
	wait("the socket echoes", `document.getElementById("ws-log").textContent === "alice@example.com: hello"`, 10*time.Second)
	wait("the stream ticks", `document.getElementById("sse-last").textContent.startsWith("alice@example.com ")`, 10*time.Second)
	wait("the socket is closed at expiry", `document.getElementById("ws-state").textContent.startsWith("closed: 1008 sign-in expired")`, 30*time.Second)
	wait("the stream ends at expiry", `document.getElementById("sse-state").textContent.startsWith("closed: sign-in expired")`, 5*time.Second)
	if took := time.Since(signedIn); took > 25*time.Second {
		t.Fatalf("the live section ended %v after signing in, want within the 20 s token", took)
	}
	shown, _ := chromedp.Run(b, chromedp.Text(chromedp.ID("ws-state")))
	if !strings.Contains(shown, "reload the page to sign in again") {
		t.Fatalf("the page says %q at expiry: it must tell the person what to do", shown)
	}
}
