package m2m_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/m2m"
)

// TestConcurrentCallersOneRequestPerLifetime: 200 goroutines calling Token
// over more than two token lifetimes (2 s each) make one token request per
// lifetime, counted at the stand-in: each request comes between 80 % and
// 100 % of the previous token's lifetime, every request's token is served,
// and no caller ever gets an error or an expired token.
func TestConcurrentCallersOneRequestPerLifetime(t *testing.T) {
	const (
		callers  = 200
		lifetime = 2 * time.Second
		run      = 4500 * time.Millisecond
	)
	s := startStandIn(t, lifetime)
	ts := s.source(t)
	var (
		calls, failures, expired atomic.Int64
		mu                       sync.Mutex
		seen                     = map[string]bool{}
		wg                       sync.WaitGroup
		startGate                = make(chan struct{})
	)
	deadline := time.Now().Add(run)
	for range callers {
		wg.Go(func() {
			mine := map[string]bool{}
			<-startGate
			for time.Now().Before(deadline) {
				tok, err := ts.Token()
				calls.Add(1)
				switch {
				case err != nil:
					failures.Add(1)
				case !time.Now().Before(tok.Expiry):
					expired.Add(1)
				default:
					mine[tok.AccessToken] = true
				}
				time.Sleep(time.Millisecond)
			}
			mu.Lock()
			for k := range mine {
				seen[k] = true
			}
			mu.Unlock()
		})
	}
	close(startGate)
	wg.Wait()

	requests := s.ui.MachineTokenCalls()
	times := s.requestTimes()
	t.Logf("%d callers, %d Token calls over %v with %v tokens: %d token requests, %d distinct tokens served", callers, calls.Load(), run, lifetime, requests, len(seen))
	if failures.Load() != 0 || expired.Load() != 0 {
		t.Fatalf("%d errors and %d expired tokens served", failures.Load(), expired.Load())
	}
	// 3 in 4.5 s (at 0 s, 1.6-1.8 s and 3.2-3.6 s); 2 if the machine is
	// so slow that the third comes after the run.
	if requests < 2 || requests > 3 || int64(len(times)) != requests || len(seen) != int(requests) {
		t.Fatalf("%d token requests (%d reached the stand-in), %d distinct tokens served; want 3 of each in %v", requests, len(times), len(seen), run)
	}
	for i := 1; i < len(times); i++ {
		// Refreshed after 80-90 % of the lifetime (less a little for the
		// request's own time), before the token expired.
		if gap := times[i].Sub(times[i-1]); gap < 1400*time.Millisecond || gap >= lifetime {
			t.Errorf("token request %d came %v after the one before; want one per lifetime, refreshed before expiry", i+1, gap)
		}
	}
}

// TestRefreshBeforeExpiry: the token is kept until 80-90 % of its lifetime,
// then refreshed by one request in the background while callers keep the
// cached one.
func TestRefreshBeforeExpiry(t *testing.T) {
	s := startStandIn(t, time.Hour)
	clk := newClock()
	ts := s.source(t, m2m.WithClock(clk.now))
	first, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if want := clk.now().Add(time.Hour); !first.Expiry.Equal(want) || first.Type() != "Bearer" {
		t.Fatalf("expiry %v type %q, want %v Bearer", first.Expiry, first.Type(), want)
	}
	clk.advance(53 * time.Minute) // before the earliest refresh (the lifetime less two minutes)
	if tok, _ := ts.Token(); tok != first || s.ui.MachineTokenCalls() != 1 {
		t.Fatalf("refreshed at 53 min of 60 (%d requests)", s.ui.MachineTokenCalls())
	}
	clk.advance(6*time.Minute + 30*time.Second) // past the latest (the lifetime less one minute)
	if tok, err := ts.Token(); tok != first || err != nil {
		t.Fatalf("the refresh did not serve the cached token meanwhile: %v", err)
	}
	var next *oauth2.Token
	eventually(t, "the refreshed token", func() bool { next, _ = ts.Token(); return next != first })
	if got := s.ui.MachineTokenCalls(); got != 2 {
		t.Fatalf("%d token requests, want 2", got)
	}
	if want := clk.now().Add(time.Hour); !next.Expiry.Equal(want) {
		t.Fatalf("the new token expires %v, want %v", next.Expiry, want)
	}
}

// TestEndpointDown: while the token endpoint is down the cached token is
// served until it expires, with retries; the next refresh after recovery
// succeeds. Once the token has expired, callers get the last error at once
// until the next retry is due.
func TestEndpointDown(t *testing.T) {
	s := startStandIn(t, time.Hour)
	clk := newClock()
	var logs logBuffer
	ts := s.source(t, m2m.WithClock(clk.now), m2m.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	first, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	s.down.Store(true)
	clk.advance(59*time.Minute + 10*time.Second)
	drive(t, clk, ts, first, "three refresh attempts", func() bool { return s.refused.Load() >= 3 })
	if !clk.now().Before(first.Expiry) {
		t.Fatal("the token expired before three attempts")
	}
	s.down.Store(false)
	var second *oauth2.Token
	drive(t, clk, ts, first, "the refreshed token", func() bool {
		if tok, _ := ts.Token(); tok != first {
			second = tok
		}
		return second != nil
	})
	if got := s.ui.MachineTokenCalls(); got != 2 {
		t.Fatalf("%d token requests reached the stand-in, want 2", got)
	}
	if !strings.Contains(logs.String(), "serving the cached token until it expires") || strings.Contains(logs.String(), workerSecret) {
		t.Fatalf("logs:\n%s", logs.String())
	}

	// Down again, past the new token's expiry.
	s.down.Store(true)
	clk.advance(time.Hour + time.Second)
	refused := s.refused.Load()
	_, err = ts.Token()
	var te *m2m.TokenError
	if !errors.As(err, &te) || te.StatusCode != http.StatusServiceUnavailable || te.Code != "" {
		t.Fatalf("expired token, endpoint down: %v, want HTTP 503", err)
	}
	if _, again := ts.Token(); !errors.Is(again, err) || s.refused.Load() != refused+1 {
		t.Fatalf("within the backoff: %v and %d requests, want the same error and no request", again, s.refused.Load()-refused)
	}
	s.down.Store(false)
	clk.advance(2 * time.Second)
	if tok, err := ts.Token(); err != nil || tok == second {
		t.Fatalf("after the backoff: %v", err)
	}
}

// TestCognitoErrors: a refused request's error names Cognito's answer and
// never the secret.
func TestCognitoErrors(t *testing.T) {
	s := startStandIn(t, time.Hour)
	for _, c := range []struct {
		name   string
		opts   []m2m.Option
		code   string
		secret string
	}{
		{"a wrong secret", []m2m.Option{m2m.WithClient(worker, "not-the-s3cret")}, "invalid_client", "not-the-s3cret"},
		{"a wrong secret, client_secret_post", []m2m.Option{m2m.WithClient(worker, "not-the-s3cret"), m2m.WithAuthStyle(oauth2.AuthStyleInParams)}, "invalid_client", "not-the-s3cret"},
		{"a scope the client does not have", []m2m.Option{m2m.WithScopes("orders/delete")}, "invalid_scope", workerSecret},
		{"an app client without the grant", []m2m.Option{m2m.WithClient(cognitotest.DefaultClientID, appSecret)}, "unauthorized_client", appSecret},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.source(t, c.opts...).Token()
			var te *m2m.TokenError
			if !errors.As(err, &te) || te.Code != c.code || te.StatusCode != http.StatusBadRequest {
				t.Fatalf("%v, want 400 %s", err, c.code)
			}
			if msg := err.Error(); !strings.Contains(msg, "Cognito answered 400 "+c.code) || strings.Contains(msg, c.secret) {
				t.Fatalf("message %q", msg)
			}
		})
	}
	t.Run("client_secret_post", func(t *testing.T) {
		if _, err := s.source(t, m2m.WithAuthStyle(oauth2.AuthStyleInParams)).Token(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestRoundTrip: the token verifies with core as a machine principal with
// the scopes asked for, configured by the environment alone.
func TestRoundTrip(t *testing.T) {
	s := startStandIn(t, time.Hour)
	env := map[string]string{
		m2m.EnvDomain: s.url, m2m.EnvClientID: worker, m2m.EnvClientSecret: workerSecret, m2m.EnvScopes: "orders/read, orders/read",
	}
	ts, err := m2m.New(m2m.WithEnvironment(func(k string) (string, bool) { v, ok := env[k]; return v, ok }))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ts.Close() }()
	tok, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	v, err := core.NewVerifier(append(s.iss.VerifierOptions(), core.WithMachineClientIDs(worker))...)
	if err != nil {
		t.Fatal(err)
	}
	u, err := v.VerifyAccessToken(t.Context(), tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if !u.Machine || u.ClientID != worker || !slices.Equal(u.Scopes, []string{"orders/read"}) {
		t.Fatalf("verified as machine %v, client %q, scopes %v", u.Machine, u.ClientID, u.Scopes)
	}
}

// TestSecretFunc: the secret function is called in New and, after Cognito
// answered invalid_client, again before the next request.
func TestSecretFunc(t *testing.T) {
	s := startStandIn(t, time.Hour)
	clk := newClock()
	var calls atomic.Int64
	secrets := []string{"an-old-secret", workerSecret}
	ts, err := m2m.New(m2m.WithEnvironment(noEnv), m2m.WithDomain(s.url), m2m.WithClient(worker, ""), m2m.WithClock(clk.now),
		m2m.WithLogger(slog.New(slog.DiscardHandler)), m2m.WithClientSecretFunc(func() (string, error) {
			return secrets[min(calls.Add(1)-1, 1)], nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ts.Close() }()
	if calls.Load() != 1 {
		t.Fatalf("New called the secret function %d times, want 1", calls.Load())
	}
	if _, err := ts.Token(); !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("with the old secret: %v", err)
	}
	clk.advance(2 * time.Second)
	if _, err := ts.Token(); err != nil || calls.Load() != 2 {
		t.Fatalf("after the rotation: %v (%d calls)", err, calls.Load())
	}
}

// TestTokenContext: a caller stops waiting when its context ends; the
// request goes on and serves the next caller.
func TestTokenContext(t *testing.T) {
	s := startStandIn(t, time.Hour)
	ts := s.source(t)
	release := make(chan struct{})
	s.hold.Store(&release)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := ts.TokenContext(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%v, want the context's deadline", err)
	}
	s.hold.Store(nil)
	close(release)
	if _, err := ts.Token(); err != nil || s.ui.MachineTokenCalls() != 1 {
		t.Fatalf("%v after %d requests, want the held request's token", err, s.ui.MachineTokenCalls())
	}
}

// TestClose: Close ends a request under way, and Token then fails.
func TestClose(t *testing.T) {
	s := startStandIn(t, time.Hour)
	ts := s.source(t)
	if _, err := ts.Token(); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	defer close(release)
	s.hold.Store(&release)
	if err := ts.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Token(); !errors.Is(err, m2m.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}
