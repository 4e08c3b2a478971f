package conformance

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// PathBench is the route a BenchDriver serves: 200 with the user's email
// when protected, "anonymous" when not.
const PathBench = "/bench"

// BenchDriver serves PathBench twice with one adapter: once behind its
// ProtectApp and once on the same router without it. It returns both as
// http.Handlers when the framework has one (in-process numbers) and as
// loopback URLs (over-the-wire numbers).
type BenchDriver func(b *testing.B, auth *core.BaseAuth) (protected, plain BenchTarget)

// BenchTarget is one way to reach a served route.
type BenchTarget struct {
	Handler http.Handler // nil when the framework is not net/http based
	URL     string       // base URL of a real server on loopback
}

// Bench compares the adapter's protected route with the unprotected one on
// a warm (cached) token, in one run: sub-benchmarks "http/plain" and
// "http/protected" over loopback HTTP with keep-alive, and "inproc/plain" and
// "inproc/protected" through the Handler when there is one.
func Bench(b *testing.B, driver BenchDriver) {
	iss, err := ct.New()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(iss.Close)
	auth, err := core.New(append(iss.Options(), core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = auth.Close() })
	protected, plain := driver(b, auth)
	h := iss.Mint(Staff).Header()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.Cleanup(client.CloseIdleConnections)
	get := func(b *testing.B, base string) {
		req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, base+PathBench, nil)
		req.Header = h.Clone()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	get(b, protected.URL) // warm the key and token caches
	for _, tc := range []struct {
		name string
		t    BenchTarget
	}{{"http/plain", plain}, {"http/protected", protected}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					get(b, tc.t.URL)
				}
			})
		})
	}
	if protected.Handler == nil || plain.Handler == nil {
		return
	}
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{{"inproc/plain", plain.Handler}, {"inproc/protected", protected.Handler}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				req := httptest.NewRequestWithContext(b.Context(), http.MethodGet, PathBench, nil)
				req.Header = h.Clone()
				for pb.Next() {
					w := httptest.NewRecorder()
					tc.h.ServeHTTP(w, req)
					if w.Code != http.StatusOK {
						b.Fatalf("status %d", w.Code)
					}
				}
			})
		})
	}
}
