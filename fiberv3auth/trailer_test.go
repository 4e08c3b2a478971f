package fiberv3auth_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/fiberv3auth"
)

// listen runs f on a loopback listener until the test ends.
func listen(t *testing.T, f *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- f.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	t.Cleanup(func() {
		_ = f.ShutdownWithTimeout(5 * time.Second)
		if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
			t.Error(err)
		}
	})
	return ln.Addr().String()
}

// rawRequest writes a request by hand (so the chunked body's trailer is
// exactly what the test says) and returns the response status and body.
func rawRequest(t *testing.T, addr, method, path string, header, trailer []string) (int, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\nConnection: close\r\n", method, path, addr)
	for _, h := range header {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Transfer-Encoding: chunked\r\n\r\n")
	b.WriteString("2\r\n{}\r\n0\r\n")
	for _, h := range trailer {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	if _, err := conn.Write(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// fields renders h as "Name: value" lines.
func fields(h http.Header) []string {
	var out []string
	for k, vs := range h {
		for _, v := range vs {
			out = append(out, k+": "+v)
		}
	}
	return out
}

// TestTrailersAreNeverCredentials: fasthttp merges the trailer fields of a
// chunked body into its header map. Valid ALB headers sent only as a
// trailer (declared in a Trailer header or not) must not authenticate:
// a proxy or WAF that inspects the header block never saw them.
func TestTrailersAreNeverCredentials(t *testing.T) {
	iss := ct.Start(t)
	base, err := core.New(append(iss.Options(), core.WithLogger(slog.New(slog.DiscardHandler)),
		core.WithPolicy(core.Policy{AllowedGroups: []string{"admins"}}))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = base.Close() })
	auth, err := fiberv3auth.New(fiberv3auth.WithBaseAuth(base))
	if err != nil {
		t.Fatal(err)
	}
	f := fiber.New(fiber.Config{ReadBufferSize: 64 << 10})
	f.Use(auth.ProtectApp())
	f.All("/admin", func(c fiber.Ctx) error { return c.SendString("admin " + fiberv3auth.User(c).Email) })
	addr := listen(t, f)
	admin := fields(iss.Mint(ct.User{Email: "root@example.com", Groups: []string{"admins"}}).Header())
	declared := "Trailer: " + strings.Join([]string{core.HeaderData, core.HeaderAccessToken, core.HeaderIdentity}, ", ")
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method+" headers in the header block", func(t *testing.T) {
			if status, body := rawRequest(t, addr, method, "/admin", admin, nil); status != http.StatusOK {
				t.Fatalf("control request: %d %q", status, body)
			}
		})
		t.Run(method+" declared trailer", func(t *testing.T) {
			if status, body := rawRequest(t, addr, method, "/admin", []string{declared}, admin); status != http.StatusUnauthorized {
				t.Fatalf("credentials in a declared trailer: %d %q; want 401", status, body)
			}
		})
		t.Run(method+" undeclared trailer", func(t *testing.T) {
			if status, body := rawRequest(t, addr, method, "/admin", nil, admin); status != http.StatusUnauthorized {
				t.Fatalf("credentials in an undeclared trailer: %d %q; want 401", status, body)
			}
		})
	}
}

// TestSessionCookieInTrailerIsIgnored: the hosted-UI session cookie counts
// only in the header block.
func TestSessionCookieInTrailerIsIgnored(t *testing.T) {
	var addr string
	env := conformance.StartHostedUI(t, func(t *testing.T, app conformance.HostedUIApp, ln net.Listener) {
		auth, err := fiberv3auth.New(fiberv3auth.WithBaseAuth(app.Auth))
		if err != nil {
			t.Fatal(err)
		}
		f := fiber.New(fiber.Config{ReadBufferSize: 64 << 10})
		f.Use(auth.ProtectApp())
		fiberv3auth.MountHostedUI(f, app.UI)
		f.All("/", func(c fiber.Ctx) error { return c.SendString("hello " + fiberv3auth.User(c).Email) })
		addr = ln.Addr().String()
		go func() { _ = f.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
		t.Cleanup(func() { _ = f.ShutdownWithTimeout(5 * time.Second) })
	}, time.Hour)
	cookie := "Cookie: " + env.SignIn(t, "alice")
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		if status, body := rawRequest(t, addr, method, "/", []string{cookie}, nil); status != http.StatusOK {
			t.Fatalf("%s control request with the session cookie: %d %q", method, status, body)
		}
		// fasthttp itself refuses a declared Cookie trailer (400); either
		// way the request is refused and nobody is signed in.
		if status, body := rawRequest(t, addr, method, "/", []string{"Trailer: Cookie"}, []string{cookie}); status != http.StatusUnauthorized && status != http.StatusBadRequest {
			t.Fatalf("%s session cookie in a declared trailer: %d %q; want a refusal", method, status, body)
		}
		if status, body := rawRequest(t, addr, method, "/", nil, []string{cookie}); status != http.StatusUnauthorized && status != http.StatusBadRequest {
			t.Fatalf("%s session cookie in an undeclared trailer: %d %q; want a refusal", method, status, body)
		}
	}
}

// TestSmallReadBufferIsWarned: an app on fiber's default 4 KiB read buffer
// gets one clear warning at the first request.
func TestSmallReadBufferIsWarned(t *testing.T) {
	iss := ct.Start(t)
	var logs bytes.Buffer
	base, err := core.New(append(iss.Options(), core.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = base.Close() })
	for _, tc := range []struct {
		size int
		warn bool
	}{{0, true}, {8 << 10, true}, {64 << 10, false}} {
		logs.Reset()
		auth, err := fiberv3auth.New(fiberv3auth.WithBaseAuth(base), fiberv3auth.WithBypass("/health"))
		if err != nil {
			t.Fatal(err)
		}
		f := fiber.New(fiber.Config{ReadBufferSize: tc.size})
		f.Use(auth.ProtectApp())
		f.Get("/health", func(c fiber.Ctx) error { return c.SendString("ok") })
		for range 3 {
			if resp, err := f.Test(httpGet("/health")); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("health: %v", err)
			}
		}
		n := strings.Count(logs.String(), "ReadBufferSize is too small")
		if tc.warn && n != 1 || !tc.warn && n != 0 {
			t.Fatalf("ReadBufferSize %d: %d warnings, want warn=%v:\n%s", tc.size, n, tc.warn, logs.String())
		}
	}
}

func httpGet(path string) *http.Request { return httptest.NewRequest(http.MethodGet, path, nil) }
