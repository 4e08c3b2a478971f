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

	"github.com/cognitoauth/cognito-auth-go/core/internal/jose"
)

// JWKSConfig configures a JWKS key source.
type JWKSConfig struct {
	URL     string
	Fetcher *Fetcher
	// OnFetch, when set, is told about every outbound fetch (for observers).
	OnFetch func(FetchResult)
	// MinRefresh is the least time between two successful reloads caused
	// by unknown kids: within it, a kid the set lacks is unknown. Loads at
	// start-up and in the background do not count, so a key rotated in
	// right after start-up is still fetched.
	MinRefresh time.Duration
	Now        func() time.Time
	// Lifetime bounds shared fetches (see ALBConfig.Lifetime).
	Lifetime context.Context
}

// Limits on what a JWKS may hold.
const (
	maxJWKSKeys = 64
	minRSABits  = 2048
	maxRSABits  = 8192
)

// JWKS caches the RSA signing keys of a Cognito user pool.
//
// A kid the set lacks reloads it, at most once per MinRefresh (counted
// between successful reloads that unknown kids caused); only a kid missing
// from such a recent reload is unknown. A failed load is an outage, not a load: requests that need a new
// key are told the source is unavailable (the last good set still serves the
// kids it has), and the next load is tried after a short backoff, so the
// source is used again about a second after it recovers.
type JWKS struct {
	cfg     JWKSConfig
	set     atomic.Pointer[map[string]*rsa.PublicKey]
	fetches atomic.Int64

	mu       sync.Mutex
	inflight *jwksLoad
	kidLoad  time.Time // the last successful reload an unknown kid caused
	retry    backoff
	lastErr  error // the last failed load, for requests refused during the backoff
}

// jwksLoad is one load in flight; done is closed when err is set.
type jwksLoad struct {
	done chan struct{}
	err  error
}

// NewJWKS returns a JWKS source that loads lazily.
func NewJWKS(cfg JWKSConfig) *JWKS { return &JWKS{cfg: cfg} }

// Loaded reports whether a key set has ever loaded.
func (j *JWKS) Loaded() bool { return j.set.Load() != nil }

// Fetches reports how many outbound JWKS requests have been made.
func (j *JWKS) Fetches() int64 { return j.fetches.Load() }

// lookup returns the key for kid in the current set, or nil.
func (j *JWKS) lookup(kid string) *rsa.PublicKey {
	if m := j.set.Load(); m != nil {
		return (*m)[kid]
	}
	return nil
}

// Key returns the RSA key for kid, reloading the set when kid is unknown
// and the reload is due. Errors: ErrUnknownKid (a recent set lacks kid),
// ErrBadKey (the set has no usable key) and ErrUnavailable (the source is
// failing, or ctx ended first).
func (j *JWKS) Key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if k := j.lookup(kid); k != nil {
		return k, nil
	}
	l, err := j.reloadFor(kid)
	if l == nil {
		return j.lookup(kid), err
	}
	select {
	case <-l.done:
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, ctx.Err())
	}
	if k := j.lookup(kid); k != nil {
		return k, nil
	}
	if l.err != nil {
		return nil, l.err
	}
	return nil, ErrUnknownKid
}

// reloadFor decides what a request for a kid the set lacks waits for: the
// load in flight, a new load, or nothing (the answer is err).
func (j *JWKS) reloadFor(kid string) (*jwksLoad, error) {
	now := j.cfg.Now()
	j.mu.Lock()
	defer j.mu.Unlock()
	switch {
	case j.lookup(kid) != nil: // a load finished since the caller looked
		return nil, nil
	case j.inflight != nil:
		return j.inflight, nil
	case j.retry.waiting(now):
		return nil, j.lastErr
	case j.set.Load() != nil && !j.kidLoad.IsZero() && now.Sub(j.kidLoad) < j.cfg.MinRefresh:
		return nil, ErrUnknownKid
	}
	return j.startLocked(causeUnknownKid), nil
}

// loadCause is why a load starts.
type loadCause int

const (
	causeRefresh    loadCause = iota // start-up or the background refresh
	causeUnknownKid                  // a request for a kid the set lacks
)

// startLocked starts a load on the source's lifetime (it is shared by every
// request waiting for it). j.mu must be held.
func (j *JWKS) startLocked(cause loadCause) *jwksLoad {
	l := &jwksLoad{done: make(chan struct{})}
	j.inflight = l
	go func() {
		err := j.fetch(j.cfg.Lifetime)
		now := j.cfg.Now()
		j.mu.Lock()
		if err == nil {
			if cause == causeUnknownKid {
				j.kidLoad = now
			}
			j.retry.succeeded()
		} else {
			j.retry.failed(now)
			j.lastErr = err
		}
		j.inflight = nil
		l.err = err
		j.mu.Unlock()
		close(l.done)
	}()
	return l
}

// Refresh loads the set now, whatever the interval and backoff (joining a
// load in flight). A failure keeps the last good set. It is used by the
// background refresher.
func (j *JWKS) Refresh(ctx context.Context) error {
	j.mu.Lock()
	l := j.inflight
	if l == nil {
		l = j.startLocked(causeRefresh)
	}
	j.mu.Unlock()
	select {
	case <-l.done:
		return l.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fetch makes one request for the set and stores it when it parses.
func (j *JWKS) fetch(ctx context.Context) error {
	j.fetches.Add(1)
	body, err := j.cfg.Fetcher.Get(ctx, j.cfg.URL, j.cfg.OnFetch)
	if err != nil {
		return wrapUnavailable(err)
	}
	m, err := parseJWKS(body)
	if err != nil {
		return err
	}
	j.set.Store(&m)
	return nil
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
