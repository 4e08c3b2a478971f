package m2m_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/m2m"
)

const (
	worker       = "workerclient000000000001"
	workerSecret = "w0rker+s3cret/="
	appSecret    = "app-s3cret" // the sign-in app client's, which has no client credentials grant
)

func noEnv(string) (string, bool) { return "", false }

// standIn is the cognitotest hosted UI with the machine client worker
// (scopes orders/read and orders/write) behind a fault switch.
type standIn struct {
	iss *cognitotest.Issuer
	ui  *cognitotest.HostedUI
	url string

	down    atomic.Bool  // the switch: every request gets 503
	refused atomic.Int64 // requests the switch refused
	hold    atomic.Pointer[chan struct{}]

	mu    sync.Mutex
	times []time.Time // when token requests reached the stand-in
}

// startStandIn serves the stand-in with tokens of lifetime ttl.
func startStandIn(t testing.TB, ttl time.Duration) *standIn {
	t.Helper()
	s := &standIn{iss: cognitotest.Start(t)}
	var ui http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.down.Load() {
			s.refused.Add(1)
			http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
			return
		}
		if h := s.hold.Load(); h != nil {
			<-*h
		}
		if r.URL.Path == "/oauth2/token" {
			s.mu.Lock()
			s.times = append(s.times, time.Now())
			s.mu.Unlock()
		}
		ui.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	s.ui = s.iss.NewHostedUI(srv.URL, cognitotest.WithTokenTTL(ttl), cognitotest.WithClientSecret(appSecret),
		cognitotest.WithMachineClient(worker, workerSecret, "orders/read", "orders/write"))
	ui = s.ui.Handler() // before any request arrives
	return s
}

// requestTimes are when token requests reached the stand-in.
func (s *standIn) requestTimes() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.times...)
}

// source is a TokenSource for worker at the stand-in, configured by options
// alone.
func (s *standIn) source(t testing.TB, opts ...m2m.Option) *m2m.TokenSource {
	t.Helper()
	ts, err := m2m.New(append([]m2m.Option{
		m2m.WithEnvironment(noEnv), m2m.WithDomain(s.url), m2m.WithClient(worker, workerSecret),
		m2m.WithLogger(slog.New(slog.DiscardHandler)),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ts.Close() })
	return ts
}

// clock is a test's hand-moved time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// eventually waits up to 10 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// drive calls Token, which must give want, moving the clock on by step
// after each call, until cond.
func drive(t *testing.T, clk *clock, ts *m2m.TokenSource, want *oauth2.Token, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if tok, err := ts.Token(); tok != want || err != nil {
			t.Fatalf("waiting for %s: got another token or %v, want the cached one", what, err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		clk.advance(50 * time.Millisecond)
	}
}

// logBuffer is a concurrency-safe log destination.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
