package core

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/keys"
)

// Verifier holds everything token verification needs — the accepted user
// pools and their issuers, the app clients, the ALB ARNs, the key sources,
// the leeway, the clock, the logger and the verified-token caches — and
// verifies ALB header sets, access tokens and ID tokens. Nothing else:
// deciding who may come in is the BaseAuth's job. Build one with
// NewVerifier (or let New build one); it is safe for concurrent use. Close
// stops its background key refresh.
type Verifier struct {
	cfg     *verifierConfig
	alb     map[string]*keys.ALB // ALB ARN -> the key source of its region
	issuers issuerSet
	// Verified tokens, each by its own full string, for its lifetime.
	albCache    *albCache
	accessCache *accessCache
	revalidate  *revalidator // nil: revocation checks off

	stop      context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// NewVerifier builds a Verifier from the environment and options (the
// verification part of the COGNITO_AUTH_* contract: pools, replica regions,
// clients, ALB ARNs, key URLs). Every problem is returned together, matching
// ErrConfig. Hand it to hostedui.New and to New with WithVerifier.
func NewVerifier(opts ...VerifierOption) (*Verifier, error) {
	all := make([]Option, len(opts))
	for i, o := range opts {
		all[i] = o
	}
	cfg, err := loadConfig(all, verifierChecks)
	if err != nil {
		return nil, err
	}
	return newVerifier(&cfg.verifierConfig), nil
}

// Limits on fetches of unknown ALB kids per user (by the verified access
// token's sub), on top of the global WithKeyFetchLimit budget.
const (
	userMissBurst = 2
	userMissEvery = time.Minute
	// albNegativeTTL is how long a kid the ALB key endpoint answered 404 or
	// 403 for is refused without asking again: short, so that a key
	// published a moment late costs seconds, not minutes.
	albNegativeTTL = 10 * time.Second
)

func newVerifier(cfg *verifierConfig) *Verifier {
	ctx, stop := context.WithCancel(context.Background())
	v := &Verifier{cfg: cfg, stop: stop}
	fetcher := keys.NewFetcher(cfg.httpClient, cfg.fetchTimeout, maxKeyBodyBytes)
	// One key source per endpoint, shared by the ARNs of one region.
	byURL := map[string]*keys.ALB{}
	v.alb = make(map[string]*keys.ALB, len(cfg.albKeyURLs))
	for arn, u := range cfg.albKeyURLs {
		if byURL[u] == nil {
			byURL[u] = keys.NewALB(keys.ALBConfig{
				BaseURL:       u,
				Fetcher:       fetcher,
				OnFetch:       fetchObserver(ctx, cfg.observer, KeySourceALB),
				MaxKeys:       64,
				MissBurst:     cfg.missBurst,
				MissEvery:     cfg.missEvery,
				UserMissBurst: userMissBurst,
				UserMissEvery: userMissEvery,
				NegativeTTL:   albNegativeTTL,
				Now:           cfg.now,
				Lifetime:      ctx,
			})
		}
		v.alb[arn] = byURL[u]
	}
	v.issuers = newIssuerSet(cfg.issuers, func(url string) *keys.JWKS {
		return keys.NewJWKS(keys.JWKSConfig{
			URL: url, Fetcher: fetcher, MinRefresh: cfg.jwksMin, Now: cfg.now, Lifetime: ctx,
			OnFetch: fetchObserver(ctx, cfg.observer, KeySourceJWKS),
		})
	})
	v.albCache, v.accessCache = newALBCache(cfg.cacheEntries, cfg.cacheBytes), newAccessCache(cfg.cacheEntries, cfg.cacheBytes)
	v.revalidate = newRevalidator(cfg)
	if v.issuers.configured() {
		v.wg.Add(1)
		go v.refreshJWKS(ctx)
	}
	return v
}

// Close stops background work (the JWKS refresher and any key fetch in
// flight) and waits for it. It is safe to call more than once. Verification
// keeps working on cached keys after Close but fetches no new ones.
func (v *Verifier) Close() error {
	v.closeOnce.Do(func() {
		v.stop()
		v.wg.Wait()
	})
	return nil
}

// ClientIDs returns the configured app client ids.
func (v *Verifier) ClientIDs() []string { return slices.Clone(v.cfg.clientIDs) }

// UserPoolIDs returns the configured user pool ids.
func (v *Verifier) UserPoolIDs() []string { return slices.Clone(v.cfg.userPoolIDs) }

// ALBARNs returns the configured ALB ARNs accepted as signers.
func (v *Verifier) ALBARNs() []string { return slices.Clone(v.cfg.albARNs) }

// AllowsUnverifiedEmail reports whether users with an unverified email are
// accepted (COGNITO_AUTH_ALLOW_UNVERIFIED_EMAIL).
func (v *Verifier) AllowsUnverifiedEmail() bool { return v.cfg.allowUnverified }

// Logger returns the configured logger.
func (v *Verifier) Logger() *slog.Logger { return v.cfg.logger }

// verifiesALB reports whether ALB header verification is configured.
func (v *Verifier) verifiesALB() bool { return v.issuers.configured() && len(v.cfg.albARNs) > 0 }

// refreshJWKS loads every JWKS once at start-up and then periodically, so
// that new keys are known before the first token signed with them arrives.
func (v *Verifier) refreshJWKS(ctx context.Context) {
	defer v.wg.Done()
	t := time.NewTicker(v.cfg.jwksEvery)
	defer t.Stop()
	for {
		v.issuers.refresh(ctx, func(url string, loaded bool, err error) {
			msg := "cognito-auth: JWKS refresh failed; keeping the last good key set"
			if !loaded {
				msg = "cognito-auth: JWKS load failed and no key set has loaded yet; tokens are refused (503) until it loads"
			}
			v.cfg.logger.LogAttrs(ctx, slog.LevelWarn, msg, slog.String("url", url), slog.String("error", err.Error()))
		})
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Observers returns the observers configured with WithObserver, in order.
// Packages that extend core report their own events to those that
// implement their observer interface (hostedui.SessionObserver).
func (v *Verifier) Observers() []Observer { return slices.Clone(v.cfg.observers) }
