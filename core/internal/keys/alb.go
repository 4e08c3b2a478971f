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

	"golang.org/x/sync/singleflight"
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
	// NegativeTTL is how long a kid the server does not know is remembered.
	NegativeTTL time.Duration
	Now         func() time.Time
	// Lifetime bounds shared fetches: they are detached from any one
	// caller's cancellation but end when Lifetime is cancelled.
	Lifetime context.Context
}

// ALB fetches and caches the ALB's ES256 public keys by kid.
type ALB struct {
	cfg     ALBConfig
	sf      singleflight.Group
	limit   *limiter
	users   *userLimiters
	fetches atomic.Int64

	mu    sync.RWMutex
	keys  map[string]*ecdsa.PublicKey
	order []string
	neg   map[string]time.Time
}

// NewALB returns an empty ALB key source.
func NewALB(cfg ALBConfig) *ALB {
	return &ALB{
		cfg:   cfg,
		limit: newLimiter(cfg.MissBurst, cfg.MissEvery, cfg.Now),
		users: newUserLimiters(cfg.UserMissBurst, cfg.UserMissEvery, cfg.Now),
		keys:  make(map[string]*ecdsa.PublicKey),
		neg:   make(map[string]time.Time),
	}
}

// Fetches reports how many outbound key requests have been made.
func (a *ALB) Fetches() int64 { return a.fetches.Load() }

// Key returns the P-256 public key for kid, fetching it on behalf of user
// (the verified sub) when it is not cached. The caller must have validated
// kid (a UUID) so it is safe to place in a URL path.
func (a *ALB) Key(ctx context.Context, kid, user string) (*ecdsa.PublicKey, error) {
	a.mu.RLock()
	k, ok := a.keys[kid]
	until, negative := a.neg[kid]
	a.mu.RUnlock()
	if ok {
		return k, nil
	}
	if negative && a.cfg.Now().Before(until) {
		return nil, ErrUnknownKid
	}
	if !a.users.allow(user) {
		return nil, ErrThrottled
	}
	// The fetch may be shared by several waiters, so it runs on the source's
	// lifetime, not this caller's; it still ends within the fetch timeout.
	ch := a.sf.DoChan(kid, func() (any, error) { return a.load(a.cfg.Lifetime, kid) })
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*ecdsa.PublicKey), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, ctx.Err())
	}
}

func (a *ALB) load(ctx context.Context, kid string) (*ecdsa.PublicKey, error) {
	now := a.cfg.Now()
	a.mu.RLock()
	k, ok := a.keys[kid]
	until, negative := a.neg[kid]
	a.mu.RUnlock()
	if ok {
		return k, nil
	}
	if negative && now.Before(until) {
		return nil, ErrUnknownKid
	}
	if !a.limit.allow() {
		return nil, ErrThrottled
	}
	a.fetches.Add(1)
	body, err := a.cfg.Fetcher.Get(ctx, a.cfg.BaseURL+"/"+kid, a.cfg.OnFetch)
	if err != nil {
		var se *statusError
		if errors.As(err, &se) && (se.code == http.StatusNotFound || se.code == http.StatusForbidden) {
			a.remember(kid, now)
			return nil, ErrUnknownKid
		}
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return nil, err
	}
	key, err := parseALBKey(body)
	if err != nil {
		return nil, err
	}
	a.store(kid, key)
	return key, nil
}

func (a *ALB) remember(kid string, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.neg) >= 4096 {
		clear(a.neg)
	}
	a.neg[kid] = now.Add(a.cfg.NegativeTTL)
}

func (a *ALB) store(kid string, key *ecdsa.PublicKey) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.keys[kid]; ok {
		return
	}
	for len(a.order) >= a.cfg.MaxKeys && len(a.order) > 0 {
		delete(a.keys, a.order[0])
		a.order = a.order[1:]
	}
	a.keys[kid] = key
	a.order = append(a.order, kid)
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
