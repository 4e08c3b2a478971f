package core

import (
	"context"
	"errors"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/keys"
)

// Observer is told about every authentication decision, key fetch, cache
// look-up and policy load, for metrics and traces (the otelauth module records them with OpenTelemetry). Events
// never carry tokens, email addresses or other personal data.
//
// Methods are called synchronously on the request's goroutine (key fetches
// and policy loads on the fetching goroutine), so they must be fast, safe
// for concurrent use and must not block. Embed NopObserver to implement
// only some of them. With no observer configured core makes no calls and
// reads no clock for observers.
type Observer interface {
	// ObserveDecision is called once per Authenticate with its outcome.
	ObserveDecision(ctx context.Context, e DecisionEvent)
	// ObserveKeyFetch is called after every outbound key request. Fetches
	// are shared by the requests waiting for them, so ctx is the
	// Verifier's own, not a request's.
	ObserveKeyFetch(ctx context.Context, e KeyFetchEvent)
	// ObserveCache is called for every look-up in the verified-token
	// caches.
	ObserveCache(ctx context.Context, e CacheEvent)
	// ObservePolicy is called after every load of the authorisation policy
	// from its source (file or secret).
	ObservePolicy(ctx context.Context, e PolicyEvent)
}

// NopObserver ignores every event. Embed it in an observer that handles
// only some events.
type NopObserver struct{}

// ObserveDecision implements Observer.
func (NopObserver) ObserveDecision(context.Context, DecisionEvent) {}

// ObserveKeyFetch implements Observer.
func (NopObserver) ObserveKeyFetch(context.Context, KeyFetchEvent) {}

// ObserveCache implements Observer.
func (NopObserver) ObserveCache(context.Context, CacheEvent) {}

// ObservePolicy implements Observer.
func (NopObserver) ObservePolicy(context.Context, PolicyEvent) {}

// Outcome is how a request's authentication ended.
type Outcome string

// Outcomes, one per HTTP answer class.
const (
	OutcomeAllowed         Outcome = "allowed"         // let in
	OutcomeUnauthenticated Outcome = "unauthenticated" // 401: no, invalid or expired credentials
	OutcomeForbidden       Outcome = "forbidden"       // 403: authenticated but not allowed
	OutcomeUnavailable     Outcome = "unavailable"     // 503: a key server or the policy was unavailable
	OutcomeError           Outcome = "error"           // 500: misconfigured
)

// outcomeOf returns the outcome of a decision that ended with err (nil: let in).
func outcomeOf(err error) Outcome {
	switch {
	case err == nil:
		return OutcomeAllowed
	case errors.Is(err, ErrForbidden):
		return OutcomeForbidden
	case errors.Is(err, ErrUnavailable):
		return OutcomeUnavailable
	case errors.Is(err, ErrMissingToken), errors.Is(err, ErrInvalidToken), errors.Is(err, ErrExpiredToken):
		return OutcomeUnauthenticated
	}
	return OutcomeError
}

// Source names in DecisionEvent.Source.
const (
	SourceALB    = "alb"    // the ALB's x-amzn-oidc-* headers
	SourceBearer = "bearer" // Authorization: Bearer
	SourceDev    = "dev"    // dev mode's mock user
	// SourceAPIGatewayAuthorizer is the claims an API Gateway authorizer
	// verified (COGNITO_AUTH_TRUST_APIGATEWAY_AUTHORIZER).
	SourceAPIGatewayAuthorizer = "apigateway_authorizer"
	SourceCustom               = "custom" // a WithSources source that does not name itself
	SourceNone                 = "none"   // no source found credentials
)

// DecisionEvent is one authentication decision (one Authenticate call).
type DecisionEvent struct {
	// Source is the credential source that decided: SourceALB,
	// SourceBearer, a NamedSource's name, SourceCustom, SourceDev, or
	// SourceNone when no source found credentials.
	Source string
	// Outcome is the answer class; Code the refusal's stable code ("" when
	// allowed).
	Outcome Outcome
	Code    Code
	// UserPoolID is the user's pool when the token verified, else "".
	UserPoolID string
	// Start and Duration time the whole decision: verification and
	// authorisation.
	Start    time.Time
	Duration time.Duration
}

// Key sources in KeyFetchEvent.Source.
const (
	KeySourceALB  = "alb"  // the ALB's per-kid public keys
	KeySourceJWKS = "jwks" // a user pool's JWKS
)

// KeyFetchEvent is one outbound key request.
type KeyFetchEvent struct {
	// Source is KeySourceALB or KeySourceJWKS.
	Source string
	// URL is the configured endpoint fetched (never from a token).
	URL string
	// Status is the HTTP status, or 0 when no answer came (timeout,
	// connection refused).
	Status int
	// Bytes is the size of the body read.
	Bytes int
	// Start and Duration time the request.
	Start    time.Time
	Duration time.Duration
	// Err is why the fetch failed, or nil.
	Err error
}

// Caches in CacheEvent.Cache.
const (
	CacheRequest     = "request"      // a whole ALB header set or bearer token
	CacheAccessToken = "access_token" // an access token alone (reused when the ALB re-signs the data token)
	CacheDataToken   = "data_token"   // an x-amzn-oidc-data token alone
)

// CacheEvent is one look-up in a verified-token cache.
type CacheEvent struct {
	// Cache is CacheRequest, CacheAccessToken or CacheDataToken.
	Cache string
	// Hit reports whether the token was found (and had not expired).
	Hit bool
}

// PolicyEvent is one load of the authorisation policy.
type PolicyEvent struct {
	// Source describes where the policy came from (PolicySource.Name).
	Source string
	// Start and Duration time the load.
	Start    time.Time
	Duration time.Duration
	// Err is why the load failed (the last good policy stays), or nil.
	Err error
}

// combineObservers returns nil, the one observer, or one that calls each.
func combineObservers(list []Observer) Observer {
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return multiObserver(list)
}

type multiObserver []Observer

func (m multiObserver) ObserveDecision(ctx context.Context, e DecisionEvent) {
	for _, o := range m {
		o.ObserveDecision(ctx, e)
	}
}

func (m multiObserver) ObserveKeyFetch(ctx context.Context, e KeyFetchEvent) {
	for _, o := range m {
		o.ObserveKeyFetch(ctx, e)
	}
}

func (m multiObserver) ObserveCache(ctx context.Context, e CacheEvent) {
	for _, o := range m {
		o.ObserveCache(ctx, e)
	}
}

func (m multiObserver) ObservePolicy(ctx context.Context, e PolicyEvent) {
	for _, o := range m {
		o.ObservePolicy(ctx, e)
	}
}

// fetchObserver returns the key sources' fetch hook for o, or nil.
func fetchObserver(ctx context.Context, o Observer, source string) func(keys.FetchResult) {
	if o == nil {
		return nil
	}
	return func(r keys.FetchResult) {
		o.ObserveKeyFetch(ctx, KeyFetchEvent{
			Source: source, URL: r.URL, Status: r.Status, Bytes: r.Bytes, Start: r.Start, Duration: r.Duration, Err: r.Err,
		})
	}
}
