//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// The walkthrough of docs/troubleshooting.md that TestTroubleshootingCaptureSteps
// runs: its marker, and what the test puts in place of what only a reader
// has (published commands, fixed ports, their own app).
const (
	docPath      = "../../../docs/troubleshooting.md"
	docMarker    = "<!-- capture-steps:"
	docInstall   = "go install github.com/cognitoauth/cognito-auth-go/core/cmd/cognito-local@latest github.com/cognitoauth/cognito-auth-go/core/cmd/cognito-auth@latest"
	docProxyAddr = "127.0.0.1:9000"
	docAppAddr   = "127.0.0.1:8080"
	docAppCmd    = "go run ./cmd/myapp"
	docPage      = "http://" + docProxyAddr + "/admin"
	docUser      = "alice@example.com"
	helperAppEnv = "COGNITO_LOCAL_TEST_HELPER_APP"
)

// docSteps returns the commands of the shell block after the marker: its
// lines without comments, continuation lines joined; and its comments.
func docSteps(t *testing.T) (commands []string, comments string) {
	t.Helper()
	doc, err := os.ReadFile(docPath)
	if errors.Is(err, os.ErrNotExist) {
		if _, werr := os.Stat("../../../go.work"); werr == nil {
			t.Fatalf("%s is missing from the repository", docPath)
		}
		t.Skip("not in the repository (a module download has no docs)")
	}
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), docMarker)
	if !ok {
		t.Fatalf("%s lost its %q marker", docPath, docMarker)
	}
	_, rest, ok = strings.Cut(rest, "```sh\n")
	if !ok {
		t.Fatalf("no sh block after the marker in %s", docPath)
	}
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatalf("the sh block after the marker in %s does not end", docPath)
	}
	var cont string
	sc := bufio.NewScanner(strings.NewReader(block))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "#"):
			comments += line + "\n"
		case strings.HasSuffix(line, `\`):
			cont += strings.TrimSuffix(line, `\`)
		case line != "" || cont != "":
			commands = append(commands, strings.TrimSpace(cont+line))
			cont = ""
		}
	}
	return commands, comments
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// waitFor polls url until it answers, or fails when exited is closed
// first.
func waitFor(t *testing.T, url string, exited <-chan struct{}) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("cognito-local exited before %s answered", url)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never answered", url)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTroubleshootingCaptureSteps runs the commands of the step-by-step
// capture in docs/troubleshooting.md as written, in a fresh directory:
// go install is this tree's two commands built into PATH; cognito-local
// starts with free ports for 9000 and 8080 and this test's app for
// "go run ./cmd/myapp"; the browser step signs in through the login form
// and is refused; and the explain command, run by sh exactly as in the
// doc, explains that capture.
func TestTroubleshootingCaptureSteps(t *testing.T) {
	commands, comments := docSteps(t)
	if len(commands) != 3 {
		t.Fatalf("the block has %d commands, want 3 (install, cognito-local, explain): %q", len(commands), commands)
	}
	if commands[0] != docInstall {
		t.Fatalf("step 1 is %q, want %q", commands[0], docInstall)
	}
	if !strings.HasPrefix(commands[1], "cognito-local ") || !strings.Contains(commands[1], docProxyAddr) ||
		!strings.Contains(commands[1], docAppAddr) || !strings.HasSuffix(commands[1], " -- "+docAppCmd) {
		t.Fatalf("step 2 %q is not cognito-local on %s in front of %s running %q", commands[1], docProxyAddr, docAppAddr, docAppCmd)
	}
	if !strings.Contains(comments, docPage) || !strings.Contains(comments, docUser) {
		t.Fatalf("the browser step no longer says %s and %s:\n%s", docPage, docUser, comments)
	}
	if !strings.HasPrefix(commands[2], "( . ./captures/cognito-local.env && cognito-auth explain ") {
		t.Fatalf("step 4 %q does not explain with the captured environment", commands[2])
	}

	bin := t.TempDir()
	for name, pkg := range map[string]string{"cognito-local": ".", "cognito-auth": "../cognito-auth"} {
		if err := os.Symlink(buildTool(t, pkg), filepath.Join(bin, name)); err != nil {
			t.Fatal(err)
		}
	}
	work := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	app := "#!/bin/sh\nexec '" + self + "'\n"
	if err := os.WriteFile(filepath.Join(work, "myapp"), []byte(app), 0o700); err != nil {
		t.Fatal(err)
	}
	path := bin + string(os.PathListSeparator) + "/usr/bin:/bin"
	proxyAddr, appAddr := freeAddr(t), freeAddr(t)
	start := strings.NewReplacer(docProxyAddr, proxyAddr, docAppAddr, appAddr, docAppCmd, "./myapp").Replace(commands[1])

	cl := exec.Command("sh", "-c", "exec "+start)
	cl.Dir, cl.Env = work, []string{"PATH=" + path, helperAppEnv + "=1"}
	var clOut bytes.Buffer
	cl.Stdout, cl.Stderr = &clOut, &clOut
	if err := cl.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cl.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cl.Process.Signal(syscall.SIGTERM) // cognito-local stops the app's process group
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cl.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("cognito-local's output:\n%s", clOut.String())
		}
	})
	waitFor(t, "http://"+proxyAddr+healthPath, exited)
	waitFor(t, "http://"+appAddr+"/", exited) // the app, directly: not captured

	// Step 3, the browser.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	t.Cleanup(browser.CloseIdleConnections)
	pagePath := strings.TrimPrefix(docPage, "http://"+docProxyAddr)
	if status, body := signIn(t, browser, "http://"+proxyAddr, pagePath, docUser); status != http.StatusForbidden {
		t.Fatalf("the app answered %s for %s with %d, want 403: %q", pagePath, docUser, status, body)
	}
	if files := captured(t, filepath.Join(work, "captures")); len(files) != 1 {
		t.Fatalf("captures %v, want the one request the app received", files)
	}

	// Step 4, as written.
	explain := exec.Command("sh", "-c", commands[2])
	explain.Dir, explain.Env = work, []string{"PATH=" + path}
	out, err := explain.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("explain: %v, want exit 1 (refused)\n%s", err, out)
	}
	for _, want := range []string{
		"request: GET /admin",
		"  [ok  ] signature              ES256",
		"  [ok  ] signature              RS256",
		"  [rule] rule #1 (groups any of [admins]): user has [staff] — no match",
		"  [FAIL] result                 refused: rule #1 does not admit the user  => route_forbidden",
		"verdict: REFUSED - code route_forbidden (ErrForbidden)",
	} {
		if !strings.Contains(string(out), want+"\n") {
			t.Errorf("explain's output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(string(out), "[FAIL]"); n != 1 {
		t.Errorf("%d failed lines, want only stage 2's:\n%s", n, out)
	}
}

// helperApp is the app of TestTroubleshootingCaptureSteps, started by
// cognito-local as "./myapp" (TestMain runs it instead of the tests when
// helperAppEnv is set): it reads its configuration from the environment
// cognito-local gives it, protects /admin with core.AllowGroups("admins")
// and verifies every other path. It returns the process's exit code.
func helperApp() int {
	auth, err := core.New(core.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	admins := core.AllowGroups("admins")
	srv := &http.Server{
		Addr:              net.JoinHostPort(os.Getenv("HOST"), os.Getenv("PORT")),
		ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var rules []core.Rule
			if r.URL.Path == "/admin" {
				rules = append(rules, admins)
			}
			u, err := auth.Authenticate(r.Context(), core.HTTPRequest(r), rules...)
			if err != nil {
				f := auth.Failure(core.HTTPRequest(r), err)
				f.Write(w)
				return
			}
			_, _ = w.Write([]byte("hello " + u.Email))
		}),
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
