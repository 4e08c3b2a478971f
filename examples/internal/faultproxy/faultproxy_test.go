package faultproxy_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/examples/internal/faultproxy"
)

// start runs a target that answers "ok <path>" and a proxy in front of it.
func start(t *testing.T) *faultproxy.Proxy {
	t.Helper()
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok "+r.URL.Path)
	}))
	t.Cleanup(target.Close)
	p, err := faultproxy.New(target.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// get fetches p's URL + path with a client that gives up after timeout.
func get(t *testing.T, p *faultproxy.Proxy, path string, timeout time.Duration) (int, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL()+path, nil)
	c := &http.Client{Transport: &http.Transport{}}
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestModes(t *testing.T) {
	p := start(t)
	tests := []struct {
		name    string
		mode    faultproxy.Mode
		status  int    // 0: a transport error is expected
		body    string // expected body prefix, for 200s
		minTook time.Duration
	}{
		{"pass", faultproxy.Pass(), 200, "ok /keys/1", 0},
		{"status 503", faultproxy.Status(503), 503, "", 0},
		{"status 500", faultproxy.Status(500), 500, "", 0},
		{"reset", faultproxy.Reset(), 0, "", 0},
		{"slow", faultproxy.Slow(150 * time.Millisecond), 200, "ok /keys/1", 150 * time.Millisecond},
		{"hang", faultproxy.Hang(), 0, "", 200 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p.Set(tc.mode)
			before := p.Count(tc.mode)
			start := time.Now()
			status, body, err := get(t, p, "/keys/1", 200*time.Millisecond+tc.minTook)
			took := time.Since(start)
			switch {
			case tc.status == 0 && err == nil:
				t.Fatalf("%s: got %d %q, want a transport error", tc.mode, status, body)
			case tc.status != 0 && (err != nil || status != tc.status):
				t.Fatalf("%s: got %d %v, want %d", tc.mode, status, err, tc.status)
			case tc.body != "" && body != tc.body:
				t.Fatalf("%s: body %q, want %q", tc.mode, body, tc.body)
			case took < tc.minTook:
				t.Fatalf("%s: answered after %v, want at least %v", tc.mode, took, tc.minTook)
			}
			if got := p.Count(tc.mode); got != before+1 {
				t.Fatalf("%s: count %d, want %d", tc.mode, got, before+1)
			}
		})
	}
	if p.Total() != int64(len(tests)) {
		t.Fatalf("total %d, want %d (%s)", p.Total(), len(tests), p)
	}
}

// TestHangReleasedByModeChange holds requests and lets them through when the
// mode changes back to Pass, concurrently.
func TestHangReleasedByModeChange(t *testing.T) {
	p := start(t)
	p.Set(faultproxy.Hang())
	var wg sync.WaitGroup
	results := make(chan int, 8)
	for range 8 {
		wg.Go(func() {
			status, _, err := get(t, p, "/held", 5*time.Second)
			if err != nil {
				t.Error(err)
			}
			results <- status
		})
	}
	deadline := time.Now().Add(5 * time.Second)
	for p.Count(faultproxy.Hang()) < 8 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case s := <-results:
		t.Fatalf("a held request was answered (%d) before the mode changed", s)
	case <-time.After(50 * time.Millisecond):
	}
	p.Set(faultproxy.Pass())
	wg.Wait()
	close(results)
	for s := range results {
		if s != http.StatusOK {
			t.Fatalf("released request: %d, want 200", s)
		}
	}
	if got := p.Counts(); got["hang"] != 8 || got["pass"] != 0 {
		t.Fatalf("counts %v: want 8 under hang (counted on arrival)", got)
	}
}

// TestHangReleasedByClose ends held requests when the proxy closes.
func TestHangReleasedByClose(t *testing.T) {
	p := start(t)
	p.Set(faultproxy.Hang())
	done := make(chan error, 1)
	go func() { _, _, err := get(t, p, "/", 5*time.Second); done <- err }()
	for p.Count(faultproxy.Hang()) < 1 {
		time.Sleep(5 * time.Millisecond)
	}
	p.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("held request answered normally after Close")
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Close did not release a held request")
	}
}

func TestNewRejectsBadTarget(t *testing.T) {
	if _, err := faultproxy.New("127.0.0.1:80"); err == nil {
		t.Fatal("a target without a scheme was accepted")
	}
}
