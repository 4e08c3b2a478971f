package core_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

func TestFailureDecisions(t *testing.T) {
	forbidden := errors.Join(core.ErrForbidden)
	cases := []struct {
		name       string
		accept     string
		redirect   string
		err        error
		wantStatus int
		wantType   string
		wantAuth   string
		wantLoc    string
	}{
		{"API missing", "application/json", "", core.ErrMissingToken, 401, "application/json", `Bearer realm="cognito-auth"`, ""},
		{"API invalid", "", "https://x.example/denied", core.ErrInvalidToken, 401, "application/json", `Bearer realm="cognito-auth", error="invalid_token"`, ""},
		{"API expired", "*/*", "", core.ErrExpiredToken, 401, "application/json", `Bearer realm="cognito-auth", error="invalid_token"`, ""},
		{"API forbidden", "application/json", "", forbidden, 403, "application/json", "", ""},
		{"API unavailable", "application/json", "", core.ErrUnavailable, 503, "application/json", "", ""},
		{"API config", "application/json", "", core.ErrConfig, 500, "application/json", "", ""},
		{"browser redirect 401", "text/html,application/xhtml+xml;q=0.9", "https://x.example/denied", core.ErrMissingToken, 302, "", "", "https://x.example/denied"},
		{"browser redirect 403", "text/html", "/denied", core.ErrForbidden, 302, "", "", "/denied"},
		{"browser page 401", "text/html", "", core.ErrInvalidToken, 401, "text/html; charset=utf-8", `Bearer realm="cognito-auth", error="invalid_token"`, ""},
		{"browser page 403", "text/html", "", core.ErrForbidden, 403, "text/html; charset=utf-8", "", ""},
		{"browser 503 not redirected", "text/html", "/denied", core.ErrUnavailable, 503, "text/html; charset=utf-8", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, "http://app/", nil)
			if tc.accept != "" {
				r.Header.Set("Accept", tc.accept)
			}
			var opts []core.Option
			if tc.redirect != "" {
				opts = append(opts, core.WithRedirectURL(tc.redirect))
			}
			a, _ := newAuth(t, nil, opts...)
			f := a.Failure(core.HTTPRequest(r), tc.err)
			if f.Status != tc.wantStatus || f.Header.Get("Content-Type") != tc.wantType ||
				f.Header.Get("WWW-Authenticate") != tc.wantAuth || f.Header.Get("Location") != tc.wantLoc {
				t.Fatalf("got %+v", f)
			}
			if f.Header.Get("Cache-Control") != "no-store" || f.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatal("refusals must carry no-store and nosniff")
			}
			if tc.wantType == "text/html; charset=utf-8" && !strings.Contains(f.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
				t.Fatalf("pages must carry a Content-Security-Policy: %q", f.Header.Get("Content-Security-Policy"))
			}
			if (tc.wantStatus == http.StatusServiceUnavailable) != (f.Header.Get("Retry-After") != "") {
				t.Fatalf("Retry-After %q on %d", f.Header.Get("Retry-After"), f.Status)
			}
			if tc.wantLoc != "" && len(f.Body) != 0 {
				t.Fatal("a redirect has no body")
			}
			if tc.wantType == "application/json" {
				var body struct {
					Error   string `json:"error"`
					Message string `json:"message"`
					Status  int    `json:"status"`
				}
				if err := json.Unmarshal(f.Body, &body); err != nil || body.Error == "" || body.Status != tc.wantStatus {
					t.Fatalf("JSON body %s: %v", f.Body, err)
				}
			}
		})
	}
}

// TestFailureNeverLeaksDetails sends a refused request through a real router
// and checks the client sees neither token text nor internal error text.
func TestFailureNeverLeaksDetails(t *testing.T) {
	a, _ := newAuth(t, nil)
	srv := protected(t, a)
	h := mint(ct.WithSigner("arn:aws:elasticloadbalancing:eu-west-2:999999999999:loadbalancer/app/evil/0123456789abcdef"))
	for _, accept := range []string{"application/json", "text/html"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		req.Header = h.Clone()
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for _, secret := range []string{"signer", "arn:aws", "999999999999", "ALB", "x-amzn"} {
			if strings.Contains(string(body), secret) {
				t.Fatalf("%s body reveals %q: %s", accept, secret, body)
			}
		}
		assertNoTokenText(t, string(body), h)
	}
}

func TestCloseStopsBackgroundWork(t *testing.T) {
	a, _ := newAuth(t, nil)
	if _, err := authenticate(a, mint()); err != nil {
		t.Fatal(err)
	}
	if !goroutineRunning("refreshJWKS") {
		t.Fatal("expected the JWKS refresher to be running before Close")
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	_ = a.Close() // idempotent
	deadline := time.Now().Add(2 * time.Second)
	for goroutineRunning("refreshJWKS") {
		if time.Now().After(deadline) {
			t.Fatal("JWKS refresher still running after Close")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Cached keys keep working after Close.
	if _, err := authenticate(a, mint()); err != nil {
		t.Fatalf("after Close: %v", err)
	}
}

func goroutineRunning(fn string) bool {
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	return strings.Contains(string(buf[:n]), "core.(*Verifier)."+fn)
}
