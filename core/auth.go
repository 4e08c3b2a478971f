package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/keys"
	"github.com/cognitoauth/cognito-auth-go/core/internal/tokencache"
)

// BaseAuth verifies requests and decides who may come in. Build one per
// process with New; it is safe for concurrent use. Call Close when done to
// stop its background work.
type BaseAuth struct {
	cfg      *config
	alb      *keys.ALB
	issuers  issuerSet
	cache    *tokenCaches
	devUser  *User
	decider  Decider
	watcher  *PolicyWatcher // owned: closed by Close
	sessions atomic.Pointer[sessionHolder]

	stop      context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// New builds a BaseAuth from options, falling back to the environment for
// anything the options leave unset. Every configuration problem is returned
// together in one error matching ErrConfig; New never panics.
func New(opts ...Option) (*BaseAuth, error) {
	cfg, err := loadConfig(opts)
	if err != nil {
		return nil, err
	}
	a := &BaseAuth{cfg: cfg}
	if err := a.buildDecider(); err != nil {
		return nil, err
	}
	if cfg.devMode {
		u, err := loadDevUser(cfg)
		if err != nil {
			a.closeWatcher()
			return nil, err
		}
		a.devUser = u
		a.warnDevMode()
	}
	ctx, stop := context.WithCancel(context.Background())
	a.stop = stop
	fetcher := keys.NewFetcher(cfg.httpClient, cfg.fetchTimeout, maxKeyBodyBytes)
	a.alb = keys.NewALB(keys.ALBConfig{
		BaseURL:       cfg.albKeysURL,
		Fetcher:       fetcher,
		MaxKeys:       64,
		MissBurst:     cfg.missBurst,
		MissEvery:     cfg.missEvery,
		UserMissBurst: userMissBurst,
		UserMissEvery: userMissEvery,
		NegativeTTL:   5 * time.Minute,
		Now:           cfg.now,
		Lifetime:      ctx,
	})
	a.issuers = newIssuerSet(cfg.issuers, func(url string) *keys.JWKS {
		return keys.NewJWKS(keys.JWKSConfig{URL: url, Fetcher: fetcher, MinRefresh: cfg.jwksMin, Now: cfg.now, Lifetime: ctx})
	})
	a.cache = newTokenCaches(cfg.cacheEntries, cfg.cacheBytes)
	if a.verifying() {
		a.wg.Add(1)
		go a.refreshJWKS(ctx)
	}
	return a, nil
}

// Close stops background work (the JWKS refresher and any key fetch in
// flight) and waits for the refresher to finish. It is safe to call more than
// once. Authenticate keeps working on cached keys after Close but fetches no
// new ones.
func (a *BaseAuth) Close() error {
	a.closeOnce.Do(func() {
		a.stop()
		a.wg.Wait()
		a.closeWatcher()
	})
	return nil
}

// DevMode reports whether development mode is on.
func (a *BaseAuth) DevMode() bool { return a.cfg.devMode }

// RedirectURL returns where refused browsers are sent ("" for none).
func (a *BaseAuth) RedirectURL() string { return a.cfg.redirectURL }

// Logger returns the configured logger.
func (a *BaseAuth) Logger() *slog.Logger { return a.cfg.logger }

// Issuer returns the ORIGINAL-format issuer URL of the first configured user
// pool ("" when none is set). Every configured pool's issuers (both formats,
// replica regions) are accepted.
func (a *BaseAuth) Issuer() string {
	if len(a.cfg.issuers) == 0 {
		return ""
	}
	return a.cfg.issuers[0].issuer
}

// errInvalidKey matches a refusal because a key server served a key of the
// wrong type: the token is invalid, but the key server needs a look.
var errInvalidKey = &Error{Code: CodeInvalidKey}

// Limits on fetches of unknown ALB kids per user (by the verified access
// token's sub), on top of the global WithKeyFetchLimit budget.
const (
	userMissBurst = 2
	userMissEvery = time.Minute
)

// verifying reports whether ALB header verification is configured.
func (a *BaseAuth) verifying() bool { return a.issuers.configured() && len(a.cfg.albARNs) > 0 }

// refreshJWKS loads the JWKS once at start-up and then periodically, so that
// new keys are known before the first token signed with them arrives.
func (a *BaseAuth) refreshJWKS(ctx context.Context) {
	defer a.wg.Done()
	t := time.NewTicker(a.cfg.jwksEvery)
	defer t.Stop()
	for {
		a.issuers.refresh(ctx, func(url string, loaded bool, err error) {
			msg := "cognito-auth: JWKS refresh failed; keeping the last good key set"
			if !loaded {
				msg = "cognito-auth: JWKS load failed and no key set has loaded yet; tokens are refused (503) until it loads"
			}
			a.cfg.logger.LogAttrs(ctx, slog.LevelWarn, msg, slog.String("url", url), slog.String("error", err.Error()))
		})
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Authenticate verifies the request's identity and then authorises it
// against the app-wide policy and any per-route rules (all of which must
// pass; app admins pass them all). On success it returns a fresh *User owned
// by the caller. On failure the error matches one of the sentinels
// (ErrMissingToken, ErrInvalidToken, ErrExpiredToken, ErrForbidden,
// ErrUnavailable, ErrConfig) and carries a Code; Failure turns it into the
// response to send.
func (a *BaseAuth) Authenticate(ctx context.Context, req Request, routeRules ...Rule) (*User, error) {
	u, err := a.identify(ctx, req)
	if err != nil {
		a.logRefusal(ctx, req.Path(), nil, err)
		return nil, err
	}
	if err := a.authorise(ctx, u, routeRules); err != nil {
		a.logRefusal(ctx, req.Path(), u, err)
		return nil, err
	}
	return u, nil
}

// Authorise applies the app-wide policy and the given per-route rules to an
// already authenticated user (for example one an outer middleware stored),
// and records on u whether the policy made it an app admin. It returns nil
// or an error matching ErrForbidden (or ErrUnavailable when the policy has
// never loaded).
func (a *BaseAuth) Authorise(ctx context.Context, u *User, routeRules ...Rule) error {
	if u == nil {
		return newError(ErrMissingToken, CodeMissingToken, "no user")
	}
	err := a.authorise(ctx, u, routeRules)
	if err != nil {
		a.logRefusal(ctx, "", u, err)
	}
	return err
}

func (a *BaseAuth) authorise(ctx context.Context, u *User, routeRules []Rule) error {
	d, err := a.decider.Decide(ctx, u)
	if err != nil {
		return err
	}
	if !d.Allowed {
		return a.deny(ctx, u, CodeForbidden, "the authorisation policy refused the user")
	}
	u.appAdmin = d.AppAdmin
	if d.AppAdmin {
		return nil
	}
	for _, r := range routeRules {
		if !r.Allows(ctx, u) {
			return a.deny(ctx, u, CodeRouteForbidden, "a per-route rule refused the user")
		}
	}
	return nil
}

func (a *BaseAuth) deny(ctx context.Context, u *User, code Code, detail string) error {
	if a.cfg.denialHook != nil {
		a.cfg.denialHook(ctx, u, code)
	}
	return newError(ErrForbidden, code, detail)
}

// buildDecider picks the authorisation decision: an explicit Decider, else a
// policy source (option or COGNITO_AUTH_CONFIG_PATH) kept fresh by a watcher,
// else custom rules alone, else every authenticated user.
func (a *BaseAuth) buildDecider() error {
	cfg := a.cfg
	src := cfg.policySource
	if src == nil && cfg.decider == nil && cfg.configPath != "" {
		// A mistyped path must not start an app that refuses everyone.
		if _, err := os.Stat(cfg.configPath); err != nil {
			return newError(ErrConfig, CodeInvalidConfig, fmt.Sprintf(
				"%s=%s: the policy file cannot be read (%v); fix the path or unset the variable", EnvConfigPath, cfg.configPath, err))
		}
		src = FilePolicySource(cfg.configPath)
	}
	switch {
	case cfg.decider != nil:
		a.decider = cfg.decider
	case src != nil:
		w, err := NewPolicyWatcher(context.Background(), src, PolicyWatcherConfig{
			Interval: cfg.policyReload, Logger: cfg.logger, Rules: cfg.rules,
		})
		if errors.Is(err, ErrInvalidPolicy) {
			_ = w.Close()
			return newError(ErrConfig, CodeInvalidConfig, err.Error())
		}
		a.decider, a.watcher = w, w
	default:
		auth, err := NewAuthoriser(Policy{}, cfg.rules...)
		if err != nil {
			return err
		}
		a.decider = auth
		if len(cfg.rules) == 0 {
			cfg.logger.Info("cognito-auth: no authorisation policy configured; every authenticated user of the pool is allowed",
				slog.String("hint", "set "+EnvConfigPath+" or "+EnvSecretName+", or pass core.WithPolicy"))
		}
	}
	return nil
}

func (a *BaseAuth) closeWatcher() {
	if a.watcher != nil {
		_ = a.watcher.Close()
	}
}

// PolicyWatcher returns the watcher the BaseAuth owns (from
// COGNITO_AUTH_CONFIG_PATH or WithPolicySource), or nil. Use it to Reload on
// demand.
func (a *BaseAuth) PolicyWatcher() *PolicyWatcher { return a.watcher }

// headerValue reads exactly one value of a header, enforcing its size cap.
func headerValue(req Request, name string, maxLen int) (string, *Error) {
	vals := req.HeaderValues(name)
	switch {
	case len(vals) == 0:
		return "", nil
	case len(vals) > 1:
		return "", invalid(CodeDuplicateHeader, name+" was sent more than once")
	case len(vals[0]) > maxLen:
		return "", invalid(CodeHeaderTooLarge, name+" is over the size cap")
	}
	return vals[0], nil
}

func (a *BaseAuth) identify(ctx context.Context, req Request) (*User, error) {
	data, err := headerValue(req, HeaderData, maxHeaderBytes)
	if err != nil {
		return nil, err
	}
	access, err := headerValue(req, HeaderAccessToken, maxHeaderBytes)
	if err != nil {
		return nil, err
	}
	identity, err := headerValue(req, HeaderIdentity, maxIdentityBytes)
	if err != nil {
		return nil, err
	}
	switch {
	case data == "" && access == "" && identity == "":
		if a.cfg.bearer {
			if vals := req.HeaderValues("Authorization"); len(vals) > 0 {
				return a.identifyBearer(ctx, vals)
			}
		}
		if s := a.sessionSource(); s != nil {
			u, err := s.AuthenticateSession(ctx, req)
			if err == nil || !errors.Is(err, ErrMissingToken) || a.devUser == nil {
				return u, err
			}
		}
		if a.devUser != nil {
			return a.devUser.Clone(), nil
		}
		return nil, newError(ErrMissingToken, CodeMissingToken, "no authentication headers")
	case data == "":
		return nil, newError(ErrMissingToken, CodeMissingData, HeaderData+" is missing")
	case access == "":
		return nil, newError(ErrMissingToken, CodeMissingAccess, HeaderAccessToken+" is missing")
	case identity == "":
		return nil, newError(ErrMissingToken, CodeMissingIdentity, HeaderIdentity+" is missing")
	}
	if !a.verifying() {
		// The client chose these headers: that is never a server error.
		return nil, invalid(CodeNotConfigured, "ALB authentication headers sent, but this app does not verify them (no user pool and ALB ARN configured)")
	}
	now := a.cfg.now()
	key := tokencache.Key{A: data, B: access, C: identity}
	if u, ok := a.cache.user(&key, now); ok {
		return u.Clone(), nil
	}
	u, verr := a.verify(ctx, data, access, identity, now)
	if verr != nil {
		return nil, verr
	}
	a.cache.putUser(&key, u, minTime(u.ExpiresAt, u.ClaimsExpireAt))
	return u.Clone(), nil
}

// bearerScheme is the Authorization scheme accepted, case-insensitively.
const bearerScheme = "Bearer"

// identifyBearer verifies "Authorization: Bearer <Cognito access token>"
// with the same rules as the ALB's access token.
func (a *BaseAuth) identifyBearer(ctx context.Context, vals []string) (*User, error) {
	if len(vals) > 1 {
		return nil, invalid(CodeDuplicateHeader, "Authorization was sent more than once")
	}
	v := vals[0]
	if len(v) > maxHeaderBytes+len(bearerScheme)+1 {
		return nil, invalid(CodeHeaderTooLarge, "Authorization is over the size cap")
	}
	scheme, tok, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, bearerScheme) || tok == "" || strings.ContainsAny(tok, " \t,") {
		return nil, invalid(CodeBadAuthorization, `Authorization is not "Bearer <token>"`)
	}
	return a.VerifyAccessToken(ctx, tok)
}

// VerifyAccessToken verifies a Cognito access token (pinned pool, RS256,
// token_use access, client id allow-list, exp/iat) and returns its user:
// sub, username, groups, scopes and client id (no email: access tokens do
// not carry it). Verified tokens are cached like ALB header sets.
func (a *BaseAuth) VerifyAccessToken(ctx context.Context, tok string) (*User, error) {
	if !a.issuers.configured() {
		return nil, newError(ErrConfig, CodeNotConfigured, "an access token was sent but no user pool is configured")
	}
	now := a.cfg.now()
	key := tokencache.Key{B: tok, C: bearerScheme}
	if u, ok := a.cache.user(&key, now); ok {
		return u.Clone(), nil
	}
	acc, e := a.accessToken(ctx, tok, now)
	if e != nil {
		return nil, e
	}
	u := &User{
		Sub:         acc.claims.Sub,
		Username:    acc.claims.Username,
		Groups:      acc.groups,
		Scopes:      strings.Fields(acc.claims.Scope),
		ClientID:    acc.claims.ClientID,
		ExpiresAt:   time.Unix(acc.exp, 0),
		UserPoolID:  acc.iss.pool,
		Issuer:      acc.iss.issuer,
		accessClaim: acc.payload,
	}
	a.cache.putUser(&key, u, u.ExpiresAt)
	return u.Clone(), nil
}

// accessToken returns the verified access token, from the cache when this
// exact string was verified before.
func (a *BaseAuth) accessToken(ctx context.Context, tok string, now time.Time) (*verifiedAccess, *Error) {
	if v, ok := a.cache.accessToken(tok, now); ok {
		return v, nil
	}
	v, e := a.verifyAccess(ctx, tok, now)
	if e != nil {
		return nil, e
	}
	a.cache.putAccessToken(tok, v)
	return v, nil
}

// verify runs every rule on the three headers. The order keeps outbound
// fetches rare: static checks of the ALB token first, then the access token
// (its key comes from the JWKS of the accepted issuer it names), then the
// identity, and only then the ALB key fetch, so a caller without a valid
// Cognito access token can never make this process fetch an ALB key. Each
// token is verified once for its lifetime (tokenCaches): a data token the
// ALB re-signed costs one ES256 verification plus the cross-checks.
func (a *BaseAuth) verify(ctx context.Context, data, access, identity string, now time.Time) (*User, *Error) {
	d, known := a.cache.dataToken(data, now)
	var alb albToken
	if !known {
		var e *Error
		if alb, e = a.checkALB(data, now); e != nil {
			return nil, e
		}
	}
	acc, e := a.accessToken(ctx, access, now)
	if e != nil {
		return nil, e
	}
	if acc.claims.Sub != identity {
		return nil, invalid(CodeSubMismatch, "access token sub does not match "+HeaderIdentity)
	}
	if !known {
		v, e := a.finishALB(ctx, &alb, acc.claims.Sub, now)
		if e != nil {
			return nil, e
		}
		d = &v
		a.cache.putDataToken(data, d)
	}
	if d.claims.Sub != acc.claims.Sub {
		return nil, invalid(CodeSubMismatch, "x-amzn-oidc-data sub does not match the access token")
	}
	if d.pool != acc.iss.pool {
		return nil, invalid(CodeIssuerMismatch, "x-amzn-oidc-data and the access token come from different user pools")
	}
	username := d.claims.Username
	if username == "" {
		username = acc.claims.Username
	}
	return &User{
		Sub:            d.claims.Sub,
		Username:       username,
		Email:          d.claims.Email,
		Name:           d.claims.Name,
		GivenName:      d.claims.GivenName,
		FamilyName:     d.claims.FamilyName,
		Groups:         acc.groups,
		EmailVerified:  d.verified,
		ExpiresAt:      time.Unix(acc.exp, 0),
		ClaimsExpireAt: time.Unix(d.exp, 0),
		UserPoolID:     acc.iss.pool,
		Issuer:         acc.iss.issuer,
		Scopes:         strings.Fields(acc.claims.Scope),
		ClientID:       acc.claims.ClientID,
		dataClaims:     d.payload,
		accessClaim:    acc.payload,
	}, nil
}

// minTime returns the earlier of a and b, ignoring a zero b.
func minTime(a, b time.Time) time.Time {
	if !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

// logRefusal logs a refusal: the code, path and reason, and for an
// authenticated user their email and groups. Never token contents.
func (a *BaseAuth) logRefusal(ctx context.Context, path string, u *User, err error) {
	level := slog.LevelInfo
	if errors.Is(err, ErrUnavailable) || errors.Is(err, ErrConfig) || errors.Is(err, errInvalidKey) {
		level = slog.LevelWarn // a key problem or an outage: the operator should look
	}
	attrs := []slog.Attr{slog.String("code", string(CodeOf(err))), slog.String("reason", err.Error())}
	if path != "" {
		attrs = append(attrs, slog.String("path", path))
	}
	msg := "cognito-auth: request refused"
	if u != nil {
		msg = "cognito-auth: access denied"
		attrs = append(attrs, slog.String("email", u.Email), slog.Any("groups", u.Groups), slog.String("sub", u.Sub))
	}
	a.cfg.logger.LogAttrs(ctx, level, msg, attrs...)
}

func (a *BaseAuth) warnDevMode() {
	l := a.cfg.logger
	l.Warn("cognito-auth: ************************************************************")
	l.Warn("cognito-auth: DEV MODE IS ON: requests without authentication headers are let in as a mock user. NEVER enable this in production.",
		slog.String("mock_email", a.devUser.Email), slog.Any("mock_groups", a.devUser.Groups))
	if len(a.cfg.productionSigns) > 0 {
		l.Warn("cognito-auth: dev mode was FORCED although this process looks like production",
			slog.String("signs", strings.Join(a.cfg.productionSigns, ", ")))
	}
	l.Warn("cognito-auth: ************************************************************")
}

func loadDevUser(cfg *config) (*User, error) {
	if cfg.devUser != nil {
		u := cfg.devUser.Clone()
		u.mock = true
		return u, nil
	}
	path, explicit := cfg.devConfigPath, cfg.devConfigPath != ""
	if !explicit {
		path = DefaultDevConfigPath
	}
	data, err := os.ReadFile(path) //nolint:gosec // the path is operator configuration, not request input

	switch {
	case errors.Is(err, os.ErrNotExist) && !explicit:
		return MockUser(""), nil
	case err != nil:
		return nil, newError(ErrConfig, CodeInvalidConfig, fmt.Sprintf("dev config %s: %v", path, err))
	}
	u, err := ParseDevUser(data)
	if err != nil {
		return nil, newError(ErrConfig, CodeInvalidConfig, fmt.Sprintf("dev config %s: %v", path, err))
	}
	return u, nil
}

// ClientIDs returns the configured app client ids.
func (a *BaseAuth) ClientIDs() []string { return append([]string(nil), a.cfg.clientIDs...) }

// Region returns the configured AWS region.
func (a *BaseAuth) Region() string { return a.cfg.region }

// AllowsUnverifiedEmail reports whether users with an unverified email are
// accepted (WithAllowUnverifiedEmail).
func (a *BaseAuth) AllowsUnverifiedEmail() bool { return a.cfg.allowUnverified }

// lookupEnv reads the environment the BaseAuth was configured from.
func (a *BaseAuth) lookupEnv(name string) (string, bool) { return a.cfg.lookupEnv(name) }

// Env reads a variable from the environment the BaseAuth was configured from
// (os.LookupEnv unless WithEnvironment replaced it), trimmed.
func (a *BaseAuth) Env(name string) string {
	v, _ := a.lookupEnv(name)
	return strings.TrimSpace(v)
}
