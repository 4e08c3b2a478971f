package keys

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/cognitoauth/cognito-auth-go/core/internal/jose"
)

// JWKSConfig configures a JWKS key source.
type JWKSConfig struct {
	URL     string
	Fetcher *Fetcher
	// OnFetch, when set, is told about every outbound fetch (for observers).
	OnFetch func(FetchResult)
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
	ch := j.sf.DoChan("refresh", func() (any, error) { return nil, j.refreshIfDue(j.cfg.Lifetime) })
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
	_, err, _ := j.sf.Do("refresh", func() (any, error) { return nil, j.fetch(ctx) })
	return err
}

// refreshIfDue fetches the set unless the last attempt was less than the
// minimum interval ago (errTooSoon): unknown kids cannot make this source
// fetch more often than that.
func (j *JWKS) refreshIfDue(ctx context.Context) error {
	j.mu.Lock()
	// Until a set has loaded once, retry sooner (still at most once a
	// second), so a failure at start-up does not block for a whole interval.
	interval := j.cfg.MinRefresh
	if j.set.Load() == nil {
		interval = min(interval, neverLoadedRetry)
	}
	due := j.lastAttempt.IsZero() || j.cfg.Now().Sub(j.lastAttempt) >= interval
	j.mu.Unlock()
	if !due {
		return errTooSoon
	}
	return j.fetch(ctx)
}

// fetch loads the set now; a failure keeps the last good one.
func (j *JWKS) fetch(ctx context.Context) error {
	j.mu.Lock()
	j.lastAttempt = j.cfg.Now()
	j.mu.Unlock()

	j.fetches.Add(1)
	body, err := j.cfg.Fetcher.Get(ctx, j.cfg.URL, j.cfg.OnFetch)
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

// parseJWKS keeps the RSA signature keys of a JWK set (RFC 7517), parsed
// with the standard library: "n" and "e" as unpadded base64url big-endian
// integers. Keys marked for another use or algorithm are skipped; a set with
// duplicate kids or too many keys is rejected whole; a set whose keys are all
// of another type or size is a bad key (ErrBadKey); one that is not a JWK set
// at all is a broken key server (ErrUnavailable).
func parseJWKS(body []byte) (map[string]*rsa.PublicKey, error) {
	var raw []jwkFields
	err := jose.DecodeObject(body, func(k string, v *jose.Value) error {
		if k != "keys" {
			return nil
		}
		items, err := v.Array()
		if err != nil {
			return err
		}
		if len(items) > maxJWKSKeys {
			return errTooManyKeys
		}
		for _, it := range items {
			f, err := readJWK(it)
			if err != nil {
				return err
			}
			raw = append(raw, f)
		}
		return nil
	})
	switch {
	case errors.Is(err, errTooManyKeys):
		return nil, fmt.Errorf("%w: JWK set has more than %d keys", ErrUnavailable, maxJWKSKeys)
	case err != nil || raw == nil:
		return nil, fmt.Errorf("%w: body is not a JWK set", ErrUnavailable)
	}
	out := make(map[string]*rsa.PublicKey, len(raw))
	seen := make(map[string]bool, len(raw))
	other := 0 // keys of another type (not RSA) or of an unusable size
	for _, f := range raw {
		if f.kid == "" {
			continue
		}
		if seen[f.kid] {
			return nil, fmt.Errorf("%w: JWK set repeats a kid", ErrUnavailable)
		}
		seen[f.kid] = true
		if f.kty != "RSA" {
			other++
			continue
		}
		if (f.use != "" && f.use != "sig") || (f.alg != "" && f.alg != "RS256") {
			continue
		}
		pub, ok := rsaKey(f.n, f.e)
		if !ok {
			other++
			continue
		}
		out[f.kid] = pub
	}
	if len(out) == 0 && other > 0 {
		return nil, fmt.Errorf("%w: JWK set has no RSA key of 2048-8192 bits, only keys of another type or size", ErrBadKey)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: JWK set has no usable RS256 key", ErrUnavailable)
	}
	return out, nil
}

var errTooManyKeys = errors.New("too many keys")

// jwkFields are the members of a JWK that matter here.
type jwkFields struct{ kty, kid, use, alg, n, e string }

func readJWK(v *jose.Value) (jwkFields, error) {
	o, err := v.Object()
	if err != nil {
		return jwkFields{}, err
	}
	var f jwkFields
	var ferr error
	o.Visit(func(k []byte, v *jose.Value) {
		var dst *string
		switch string(k) {
		case "kty":
			dst = &f.kty
		case "kid":
			dst = &f.kid
		case "use":
			dst = &f.use
		case "alg":
			dst = &f.alg
		case "n":
			dst = &f.n
		case "e":
			dst = &f.e
		default:
			return
		}
		s, err := jose.String(v)
		if err != nil {
			ferr = err
		}
		*dst = s
	})
	return f, ferr
}

// rsaKey builds an RSA public key of 2048-8192 bits with a small odd
// exponent from base64url n and e.
func rsaKey(n64, e64 string) (*rsa.PublicKey, bool) {
	nb, err := base64.RawURLEncoding.Strict().DecodeString(n64)
	if err != nil || len(nb) == 0 || nb[0] == 0 {
		return nil, false
	}
	eb, err := base64.RawURLEncoding.Strict().DecodeString(e64)
	if err != nil || len(eb) == 0 || len(eb) > 4 || eb[0] == 0 {
		return nil, false
	}
	e := 0
	for _, b := range eb {
		e = e<<8 | int(b)
	}
	n := new(big.Int).SetBytes(nb)
	if bits := n.BitLen(); bits < minRSABits || bits > maxRSABits || e < 3 || e%2 == 0 {
		return nil, false
	}
	return &rsa.PublicKey{N: n, E: e}, true
}
