package keys

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"golang.org/x/sync/singleflight"
)

// JWKSConfig configures a JWKS key source.
type JWKSConfig struct {
	URL     string
	Fetcher *Fetcher
	// MinRefresh is the least time between two fetches triggered by an
	// unknown kid (or by a failed first load).
	MinRefresh time.Duration
	Now        func() time.Time
	// Lifetime bounds shared fetches (see ALBConfig.Lifetime).
	Lifetime context.Context
}

// neverLoadedRetry bounds retries before the first successful load.
const neverLoadedRetry = time.Second

// Limits on what a JWKS may hold.
const (
	maxJWKSKeys = 64
	minRSABits  = 2048
	maxRSABits  = 8192
)

// JWKS caches the RSA signing keys of a Cognito user pool.
type JWKS struct {
	cfg     JWKSConfig
	sf      singleflight.Group
	set     atomic.Pointer[map[string]*rsa.PublicKey]
	fetches atomic.Int64

	mu          sync.Mutex
	lastAttempt time.Time
	lastErr     error
}

// NewJWKS returns a JWKS source that loads lazily.
func NewJWKS(cfg JWKSConfig) *JWKS { return &JWKS{cfg: cfg} }

// Loaded reports whether a key set has ever loaded.
func (j *JWKS) Loaded() bool { return j.set.Load() != nil }

// Fetches reports how many outbound JWKS requests have been made.
func (j *JWKS) Fetches() int64 { return j.fetches.Load() }

// Key returns the RSA key for kid, refreshing the set when kid is unknown and
// the refresh interval allows.
func (j *JWKS) Key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if m := j.set.Load(); m != nil {
		if k, ok := (*m)[kid]; ok {
			return k, nil
		}
	}
	ch := j.sf.DoChan("refresh", func() (any, error) { return nil, j.refresh(j.cfg.Lifetime, false) })
	var refreshErr error
	select {
	case r := <-ch:
		refreshErr = r.Err
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, ctx.Err())
	}
	if m := j.set.Load(); m != nil {
		if k, ok := (*m)[kid]; ok {
			return k, nil
		}
		if refreshErr != nil && !errors.Is(refreshErr, errTooSoon) {
			return nil, refreshErr
		}
		return nil, ErrUnknownKid
	}
	if refreshErr == nil || errors.Is(refreshErr, errTooSoon) {
		j.mu.Lock()
		refreshErr = j.lastErr
		j.mu.Unlock()
		if refreshErr == nil {
			refreshErr = ErrUnavailable
		}
	}
	return nil, refreshErr
}

var errTooSoon = fmt.Errorf("%w: refresh interval not elapsed", ErrUnavailable)

// Refresh fetches the set now, ignoring the interval. A failure keeps the
// last good set. It is used by the background refresher.
func (j *JWKS) Refresh(ctx context.Context) error {
	_, err, _ := j.sf.Do("refresh", func() (any, error) { return nil, j.refresh(ctx, true) })
	return err
}

func (j *JWKS) refresh(ctx context.Context, force bool) error {
	now := j.cfg.Now()
	j.mu.Lock()
	// Until a set has loaded once, retry sooner (still at most once a
	// second), so a failure at start-up does not block for a whole interval.
	interval := j.cfg.MinRefresh
	if j.set.Load() == nil {
		interval = min(interval, neverLoadedRetry)
	}
	if !force && !j.lastAttempt.IsZero() && now.Sub(j.lastAttempt) < interval {
		j.mu.Unlock()
		return errTooSoon
	}
	j.lastAttempt = now
	j.mu.Unlock()

	j.fetches.Add(1)
	body, err := j.cfg.Fetcher.Get(ctx, j.cfg.URL)
	if err == nil {
		var m map[string]*rsa.PublicKey
		m, err = parseJWKS(body)
		if err == nil {
			j.set.Store(&m)
		}
	}
	if err != nil {
		err = wrapUnavailable(err)
	}
	j.mu.Lock()
	j.lastErr = err
	j.mu.Unlock()
	return err
}

func wrapUnavailable(err error) error {
	var se *statusError
	if errors.As(err, &se) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// parseJWKS keeps the RSA signature keys of a JWK set. Keys marked for
// another use or algorithm are skipped; a set with duplicate kids, no usable
// key or too many keys is rejected whole.
func parseJWKS(body []byte) (map[string]*rsa.PublicKey, error) {
	set, err := jwk.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("%w: body is not a JWK set", ErrUnavailable)
	}
	if set.Len() > maxJWKSKeys {
		return nil, fmt.Errorf("%w: JWK set has %d keys, more than %d", ErrUnavailable, set.Len(), maxJWKSKeys)
	}
	out := make(map[string]*rsa.PublicKey, set.Len())
	seen := make(map[string]bool, set.Len())
	other := 0 // keys of another type (not RSA) or of an unusable size
	for i := range set.Len() {
		k, _ := set.Key(i)
		kid, ok := k.KeyID()
		if !ok || kid == "" {
			continue
		}
		if seen[kid] {
			return nil, fmt.Errorf("%w: JWK set repeats a kid", ErrUnavailable)
		}
		seen[kid] = true
		if k.KeyType() != jwa.RSA() {
			other++
			continue
		}
		if use, ok := k.KeyUsage(); ok && use != "sig" {
			continue
		}
		if alg, ok := k.Algorithm(); ok && alg.String() != "RS256" {
			continue
		}
		pub := new(rsa.PublicKey)
		if err := jwk.Export(k, pub); err != nil || pub.N == nil {
			continue
		}
		if bits := pub.N.BitLen(); bits < minRSABits || bits > maxRSABits {
			other++
			continue
		}
		out[kid] = pub
	}
	if len(out) == 0 && other > 0 {
		return nil, fmt.Errorf("%w: JWK set has no RSA key of 2048-8192 bits, only keys of another type or size", ErrBadKey)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: JWK set has no usable RS256 key", ErrUnavailable)
	}
	return out, nil
}
