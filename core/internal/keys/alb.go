package keys

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// ALBConfig configures an ALB key source.
type ALBConfig struct {
	// BaseURL is the key endpoint; the key for kid is at BaseURL + "/" + kid.
	BaseURL string
	Fetcher *Fetcher
	// OnFetch, when set, is told about every outbound fetch (for observers).
	OnFetch func(FetchResult)
	// MaxKeys bounds the cache. ALB keys never change for a kid, so entries
	// only leave when the cache is full (oldest first).
	MaxKeys int
	// MissBurst and MissEvery bound fetches for kids not in the cache: at
	// most MissBurst at once, refilled at one per MissEvery.
	MissBurst int
	MissEvery time.Duration
	// UserMissBurst and UserMissEvery bound the same fetches per user (the
	// verified access token's sub), before the global budget is touched, so
	// one user's flood of unknown kids spends only their own budget and a
	// real key rotation still gets fetched for everyone else.
	UserMissBurst int
	UserMissEvery time.Duration
	// NegativeTTL is how long a kid the server answered 404 or 403 for (or
	// served a key of the wrong type for) is remembered. Keep it short: a key
	// published a moment late must not be refused for long.
	NegativeTTL time.Duration
	Now         func() time.Time
	// Lifetime bounds shared fetches: they are detached from any one
	// caller's cancellation but end when Lifetime is cancelled.
	Lifetime context.Context
}

// ALB fetches and caches the ALB's ES256 public keys by kid.
//
// Fetches are charged fairly: only the request that starts a fetch spends a
// token of its user's budget and of the global one, requests that arrive
// while it runs wait for it for free, and a fetch that fails because the key
// server did gives both tokens back. While the server is failing, fetches
// are spaced by a short backoff and requests are told the source is
// unavailable (ErrUnavailable), never that their kid is unknown: only an
// answer of 404 or 403 from a server that answers says that.
type ALB struct {
	cfg     ALBConfig
	limit   *limiter
	users   *userLimiters
	fetches atomic.Int64

	mu       sync.RWMutex
	keys     map[string]*ecdsa.PublicKey
	order    []string
	neg      map[string]negative
	inflight map[string]*albFetch
	retry    backoff
	lastErr  error // the last outage, for requests refused during the backoff
}

// negative remembers a kid the key server answered without a usable key.
type negative struct {
	until time.Time
	err   error // ErrUnknownKid or ErrBadKey
}

// albFetch is one fetch in flight; done is closed when key and err are set.
type albFetch struct {
	done chan struct{}
	key  *ecdsa.PublicKey
	err  error
}

// NewALB returns an empty ALB key source.
func NewALB(cfg ALBConfig) *ALB {
	return &ALB{
		cfg:      cfg,
		limit:    newLimiter(cfg.MissBurst, cfg.MissEvery, cfg.Now),
		users:    newUserLimiters(cfg.UserMissBurst, cfg.UserMissEvery, cfg.Now),
		keys:     make(map[string]*ecdsa.PublicKey),
		neg:      make(map[string]negative),
		inflight: make(map[string]*albFetch),
	}
}

// Fetches reports how many outbound key requests have been made.
func (a *ALB) Fetches() int64 { return a.fetches.Load() }

// BaseURL returns the key endpoint the source fetches from.
func (a *ALB) BaseURL() string { return a.cfg.BaseURL }

// Key returns the P-256 public key for kid, fetching it on behalf of user
// (the verified sub) when it is not cached. The caller must have validated
// kid (a UUID) so it is safe to place in a URL path. Errors: ErrUnknownKid
// or ErrBadKey (the server has no usable key for kid), ErrThrottled (user
// asked for too many unknown kids), ErrBusy (every user together did) and
// ErrUnavailable (the key server is failing, or ctx ended first).
func (a *ALB) Key(ctx context.Context, kid, user string) (*ecdsa.PublicKey, error) {
	a.mu.RLock()
	k, ok := a.keys[kid]
	a.mu.RUnlock()
	if ok {
		return k, nil
	}
	k, f, err := a.join(kid, user)
	if f == nil {
		return k, err
	}
	select {
	case <-f.done:
		return f.key, f.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, ctx.Err())
	}
}

// join returns the answer known without a fetch, or the fetch of kid to wait
// for: the one in flight, or a new one charged to user.
func (a *ALB) join(kid, user string) (*ecdsa.PublicKey, *albFetch, error) {
	now := a.cfg.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	if k, ok := a.keys[kid]; ok {
		return k, nil, nil
	}
	if n, ok := a.neg[kid]; ok && now.Before(n.until) {
		return nil, nil, n.err
	}
	if f := a.inflight[kid]; f != nil {
		return nil, f, nil // joined: not charged
	}
	if a.retry.waiting(now) {
		return nil, nil, fmt.Errorf("%w: retrying shortly after the last failure (%w)", ErrUnavailable, a.lastErr)
	}
	if !a.users.allow(user) {
		return nil, nil, ErrThrottled
	}
	if !a.limit.allow() {
		a.users.refund(user)
		return nil, nil, ErrBusy
	}
	f := &albFetch{done: make(chan struct{})}
	a.inflight[kid] = f
	// The fetch may be shared by several waiters, so it runs on the source's
	// lifetime, not this caller's; it still ends within the fetch timeout.
	go a.run(f, kid, user)
	return nil, f, nil
}

// run fetches kid and settles what the answer means for the cache, the
// backoff and the budgets.
func (a *ALB) run(f *albFetch, kid, user string) {
	f.key, f.err = a.load(a.cfg.Lifetime, kid)
	now := a.cfg.Now()
	outage := f.err != nil && !errors.Is(f.err, ErrUnknownKid) && !errors.Is(f.err, ErrBadKey)
	a.mu.Lock()
	switch {
	case f.err == nil:
		a.storeLocked(kid, f.key)
		a.retry.succeeded()
	case outage:
		a.retry.failed(now)
		a.lastErr = f.err
	default: // the server answered: it has no usable key for kid
		a.rememberLocked(kid, now, f.err)
		a.retry.succeeded()
	}
	delete(a.inflight, kid)
	a.mu.Unlock()
	if outage { // no work was done: nobody pays for it
		a.users.refund(user)
		a.limit.refund()
	}
	close(f.done)
}

// load makes one fetch of kid and classifies the answer.
func (a *ALB) load(ctx context.Context, kid string) (*ecdsa.PublicKey, error) {
	a.fetches.Add(1)
	body, err := a.cfg.Fetcher.Get(ctx, a.cfg.BaseURL+"/"+kid, a.cfg.OnFetch)
	if err != nil {
		var se *statusError
		if errors.As(err, &se) && (se.code == http.StatusNotFound || se.code == http.StatusForbidden) {
			return nil, ErrUnknownKid // S3 answers 403 for a missing object
		}
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return nil, err
	}
	return parseALBKey(body)
}

// maxNegative bounds the kids remembered as unknown.
const maxNegative = 4096

func (a *ALB) rememberLocked(kid string, now time.Time, err error) {
	if len(a.neg) >= maxNegative {
		clear(a.neg)
	}
	a.neg[kid] = negative{until: now.Add(a.cfg.NegativeTTL), err: err}
}

func (a *ALB) storeLocked(kid string, key *ecdsa.PublicKey) {
	if _, ok := a.keys[kid]; ok {
		return
	}
	for len(a.order) >= a.cfg.MaxKeys && len(a.order) > 0 {
		delete(a.keys, a.order[0])
		a.order = a.order[1:]
	}
	a.keys[kid] = key
	a.order = append(a.order, kid)
	delete(a.neg, kid)
}

// parseALBKey reads a PEM public key (the standard library's x509 and pem
// packages) and insists on P-256. A body that is not a PEM public key is a
// broken key server; a well-formed key of another type is a bad key.
func parseALBKey(body []byte) (*ecdsa.PublicKey, error) {
	block, _ := pem.Decode(body)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("%w: key is not a PEM public key", ErrUnavailable)
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: key is not a PEM public key", ErrUnavailable)
	}
	pub, ok := k.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: key is a %T, not an ECDSA public key", ErrBadKey, k)
	}
	if pub.Curve != elliptic.P256() {
		return nil, fmt.Errorf("%w: key is on %s, not P-256", ErrBadKey, pub.Curve.Params().Name)
	}
	return pub, nil
}
