package m2m

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// ErrClosed is returned by Token after Close.
var ErrClosed = errors.New("m2m: token source closed")

// TokenSource gets access tokens from a Cognito user pool's token endpoint
// with the client credentials grant (golang.org/x/oauth2/clientcredentials)
// and shares them: one token request per token lifetime, however many
// goroutines call Token. It is safe for concurrent use.
//
// A token is refreshed shortly before it expires — by a margin of a tenth
// of its lifetime, at most a minute, plus a random part as large again, so
// replicas started together do not ask together — by one request in the
// background while callers keep the cached token. Callers that find no
// valid token wait for that one request. When a refresh fails, the cached
// token is served until it really expires and the request is retried with
// backoff; callers with no valid token get the last error at once until
// the next retry is due.
type TokenSource struct {
	cfg    *config
	cached atomic.Pointer[cachedToken] // nil: none yet, or closed

	mu            sync.Mutex
	flight        *flight // the token request under way
	failures      int     // consecutive failed requests
	nextTry       time.Time
	lastErr       error
	secret        string
	refetchSecret bool // Cognito said invalid_client: ask secretFunc again
	closed        bool

	ctx    context.Context // ends with Close, and the request under way with it
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// cachedToken is a token and when to refresh it; never modified.
type cachedToken struct {
	tok       *oauth2.Token // its Expiry is when the cached token stops being handed out
	refreshAt time.Time
	margin    time.Duration
}

// flight is one token request and the callers waiting for it.
type flight struct {
	done chan struct{}
	c    *cachedToken
	err  error
}

// TokenError is a token request that got no token: what the token endpoint
// answered, or why no answer came. It carries neither tokens nor the
// client secret.
type TokenError struct {
	TokenURL string
	// StatusCode is the HTTP status of the answer, 0 when none came.
	StatusCode int
	// Code is the OAuth error code answered: invalid_client (wrong id or
	// secret), invalid_scope, unauthorized_client (the app client lacks the
	// client credentials grant), invalid_request; "" when none.
	Code string
	// Description is the answer's error_description, if any.
	Description string
	// Err is why no usable answer came (a transport error, a timeout, an
	// answer that is not a token).
	Err error
}

// Error implements error.
func (e *TokenError) Error() string {
	msg := "m2m: token request to " + e.TokenURL + ": "
	switch {
	case e.Code != "":
		msg += fmt.Sprintf("Cognito answered %d %s", e.StatusCode, e.Code)
		if e.Description != "" {
			msg += ": " + e.Description
		}
		return msg
	case e.StatusCode != 0:
		msg += fmt.Sprintf("HTTP %d", e.StatusCode)
		if e.Description != "" {
			msg += ": " + e.Description
		}
		return msg
	}
	return msg + fmt.Sprint(e.Err)
}

// Unwrap returns Err.
func (e *TokenError) Unwrap() error { return e.Err }

// New returns a TokenSource configured from the environment and opts (see
// the package documentation). Every configuration problem is reported
// together, as a *core.Error with code invalid_config. It makes no token
// request: the first Token does.
func New(opts ...Option) (*TokenSource, error) {
	cfg, err := loadConfig(opts)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &TokenSource{cfg: cfg, secret: cfg.clientSecret, ctx: ctx, cancel: cancel}, nil
}

// TokenURL is the token endpoint the source asks.
func (ts *TokenSource) TokenURL() string { return ts.cfg.tokenURL }

// Token returns a valid access token, shared with every other caller:
// callers must not modify it. It implements oauth2.TokenSource.
func (ts *TokenSource) Token() (*oauth2.Token, error) { return ts.TokenContext(context.Background()) }

// TokenContext is Token for a caller that stops waiting for a token request
// when ctx ends; the request itself goes on for the other callers.
func (ts *TokenSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if c := ts.cached.Load(); c != nil && ts.cfg.now().Before(c.refreshAt) {
		return c.tok, nil
	}
	return ts.slow(ctx)
}

// slow serves a caller that found no token, or one due for refresh.
func (ts *TokenSource) slow(ctx context.Context) (*oauth2.Token, error) {
	ts.mu.Lock()
	if ts.closed {
		ts.mu.Unlock()
		return nil, ErrClosed
	}
	now := ts.cfg.now()
	if c := ts.cached.Load(); c != nil && now.Before(c.tok.Expiry) {
		if !now.Before(c.refreshAt) && ts.flight == nil && !now.Before(ts.nextTry) {
			ts.startLocked()
		}
		ts.mu.Unlock()
		return c.tok, nil
	}
	f := ts.flight
	if f == nil {
		if ts.lastErr != nil && now.Before(ts.nextTry) {
			err := ts.lastErr
			ts.mu.Unlock()
			return nil, err
		}
		f = ts.startLocked()
	}
	ts.mu.Unlock()
	select {
	case <-f.done:
		if f.err != nil {
			return nil, f.err
		}
		return f.c.tok, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// startLocked starts a token request; ts.mu is held.
func (ts *TokenSource) startLocked() *flight {
	f := &flight{done: make(chan struct{})}
	ts.flight = f
	ts.wg.Add(1)
	go ts.run(f)
	return f
}

// run makes the token request of f and records its outcome.
func (ts *TokenSource) run(f *flight) {
	defer ts.wg.Done()
	c, err := ts.fetch(ts.cfg.now())
	ts.mu.Lock()
	recovered := err == nil && ts.failures > 0
	switch {
	case ts.closed:
		c, err = nil, ErrClosed
	case err == nil:
		ts.cached.Store(c)
		ts.failures, ts.lastErr, ts.nextTry = 0, nil, time.Time{}
	default:
		now := ts.cfg.now()
		ts.failures++
		ts.lastErr = err
		ts.nextTry = now.Add(ts.backoffLocked(now))
	}
	f.c, f.err = c, err
	ts.flight = nil
	failures, held := ts.failures, ts.cached.Load()
	ts.mu.Unlock()
	close(f.done)
	ts.log(err, failures, recovered, held)
}

// backoffLocked is the wait before the next request after a failure;
// ts.mu is held.
func (ts *TokenSource) backoffLocked(now time.Time) time.Duration {
	d := ts.cfg.maxBackoff
	if n := ts.failures - 1; n < 30 {
		d = min(d, ts.cfg.minBackoff<<n)
	}
	// While the cached token is valid, retry several times before it
	// expires: at most a quarter of its refresh margin apart.
	if c := ts.cached.Load(); c != nil && now.Before(c.tok.Expiry) {
		d = min(d, max(c.margin/4, 10*time.Millisecond))
	}
	return d/2 + rand.N(d/2+1) //nolint:gosec // G404: jitter, not a secret; half of the wait is random
}

// fetch makes one token request, started at start.
func (ts *TokenSource) fetch(start time.Time) (*cachedToken, error) {
	secret, err := ts.currentSecret()
	if err != nil {
		return nil, err
	}
	cc := clientcredentials.Config{
		ClientID: ts.cfg.clientID, ClientSecret: secret, TokenURL: ts.cfg.tokenURL,
		Scopes: ts.cfg.scopes, AuthStyle: ts.cfg.authStyle,
	}
	ctx, cancel := context.WithTimeout(ts.ctx, maxRequestTime)
	defer cancel()
	tok, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, ts.cfg.httpClient))
	if err != nil {
		return nil, ts.tokenError(err, secret)
	}
	if t := tok.TokenType; t != "" && !strings.EqualFold(t, "bearer") {
		return nil, &TokenError{TokenURL: ts.cfg.tokenURL, Err: fmt.Errorf("token_type %q is not Bearer", clean(t, secret, 32))}
	}
	life := lifetime(tok)
	expiry := start.Add(life)
	margin := min(maxMargin, life/10)
	var jitter time.Duration
	if margin > 0 {
		jitter = rand.N(margin) //nolint:gosec // G404: jitter, not a secret
	}
	// The expiry counts from when the request was sent, by the source's
	// clock: never later than Cognito's.
	tok.Expiry, tok.ExpiresIn = expiry, int64(life/time.Second)
	return &cachedToken{tok: tok, refreshAt: expiry.Add(-margin - jitter), margin: margin}, nil
}

// currentSecret is the client secret, fetched again after an
// invalid_client answer when it came from WithClientSecretFunc.
func (ts *TokenSource) currentSecret() (string, error) {
	ts.mu.Lock()
	s, refetch := ts.secret, ts.refetchSecret
	ts.mu.Unlock()
	if !refetch {
		return s, nil
	}
	s, err := ts.cfg.secretFunc()
	switch {
	case err != nil:
		return "", fmt.Errorf("m2m: fetching the client secret: %w", err)
	case s == "":
		return "", errors.New("m2m: the client secret function returned an empty secret")
	}
	ts.mu.Lock()
	ts.secret, ts.refetchSecret = s, false
	ts.mu.Unlock()
	return s, nil
}

// tokenError turns x/oauth2's error into a *TokenError.
func (ts *TokenSource) tokenError(err error, secret string) error {
	e := &TokenError{TokenURL: ts.cfg.tokenURL}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its URL is TokenURL
		}
		e.Err = err
		return e
	}
	if re.Response != nil {
		e.StatusCode = re.Response.StatusCode
	}
	e.Code, e.Description = clean(re.ErrorCode, secret, 64), clean(re.ErrorDescription, secret, 200)
	if e.Code == "invalid_client" && ts.cfg.secretFromFunc {
		ts.mu.Lock()
		ts.refetchSecret = true // perhaps rotated
		ts.mu.Unlock()
	}
	return e
}

// clean makes text from the token endpoint fit for an error message: no
// control characters, not the secret, at most n runes.
func clean(s, secret string, n int) string {
	if secret != "" {
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}

// lifetime is the token's expires_in, as the answer gave it.
func lifetime(t *oauth2.Token) time.Duration {
	var secs float64
	switch v := t.Extra("expires_in").(type) {
	case float64:
		secs = v
	case string:
		secs, _ = strconv.ParseFloat(v, 64)
	case json.Number:
		secs, _ = v.Float64()
	}
	switch {
	case secs <= 0 || math.IsNaN(secs):
		return unknownLifetime
	case secs >= maxLifetime.Seconds():
		return maxLifetime
	}
	return time.Duration(secs * float64(time.Second))
}

// log records failed requests (callers holding a valid token see no
// error) and the first success after them.
func (ts *TokenSource) log(err error, failures int, recovered bool, held *cachedToken) {
	l, id := ts.cfg.logger, ts.cfg.clientID
	switch {
	case errors.Is(err, ErrClosed):
	case err != nil && held != nil && ts.cfg.now().Before(held.tok.Expiry):
		l.Warn("m2m: token refresh failed; serving the cached token until it expires", "client_id", id,
			"failures", failures, "expires_at", held.tok.Expiry, "error", err)
	case err != nil:
		l.Warn("m2m: token request failed", "client_id", id, "failures", failures, "error", err)
	case recovered:
		l.Info("m2m: token request succeeded again", "client_id", id)
	}
}

// Close ends the token request under way, if any, and makes Token return
// ErrClosed.
func (ts *TokenSource) Close() error {
	ts.mu.Lock()
	if ts.closed {
		ts.mu.Unlock()
		return nil
	}
	ts.closed = true
	ts.cached.Store(nil)
	ts.mu.Unlock()
	ts.cancel()
	ts.wg.Wait()
	return nil
}
