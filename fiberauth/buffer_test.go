package fiberauth_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/fiberauth"
)

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
		auth, err := fiberauth.New(fiberauth.WithBaseAuth(base), fiberauth.WithBypass("/health"))
		if err != nil {
			t.Fatal(err)
		}
		f := fiber.New(fiber.Config{DisableStartupMessage: true, ReadBufferSize: tc.size})
		f.Use(auth.ProtectApp())
		f.Get("/health", func(c *fiber.Ctx) error { return c.SendString("ok") })
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
