package core

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/jose"
	"github.com/cognitoauth/cognito-auth-go/core/internal/keys"
	"github.com/cognitoauth/cognito-auth-go/core/internal/tokencache"
)

// Verifier holds everything token verification needs — the accepted user
// pools and their issuers, the app clients, the ALB ARNs, the key sources,
// the leeway, the clock, the logger and the verified-token caches — and
// verifies ALB header sets, access tokens and ID tokens. Nothing else:
// deciding who may come in is the BaseAuth's job. Build one with
// NewVerifier (or let New build one); it is safe for concurrent use. Close
// stops its background key refresh.
type Verifier struct {
	cfg     *config
	alb     map[string]*keys.ALB // ALB ARN -> the key source of its region
	issuers issuerSet
	cache   *tokenCaches

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
	return newVerifier(cfg), nil
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

func newVerifier(cfg *config) *Verifier {
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
	v.cache = newTokenCaches(cfg.cacheEntries, cfg.cacheBytes)
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

// Region returns the configured AWS region.
func (v *Verifier) Region() string { return v.cfg.region }

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

// verifyALB verifies an ALB header set (all three present), from the cache
// when this exact set was verified before.
func (v *Verifier) verifyALB(ctx context.Context, data, access, identity string) (*User, error) {
	if !v.verifiesALB() {
		// The client chose these headers: that is never a server error.
		return nil, invalid(CodeNotConfigured, "ALB authentication headers sent, but this app does not verify them (no user pool and ALB ARN configured)")
	}
	now := v.cfg.now()
	key := tokencache.Key{A: data, B: access, C: identity}
	u, ok := v.cache.user(&key, now)
	if v.cfg.observer != nil {
		v.observeCache(ctx, CacheRequest, ok)
	}
	if ok {
		return u.Clone(), nil
	}
	u, verr := v.verify(ctx, data, access, identity, now)
	if verr != nil {
		return nil, verr
	}
	v.cache.putUser(&key, u, minTime(u.ExpiresAt, u.ClaimsExpireAt))
	return u.Clone(), nil
}

// IDClaims are the verified claims of a Cognito ID token.
type IDClaims struct {
	Sub, Username               string
	Email                       string
	EmailVerified               bool
	Name, GivenName, FamilyName string
	Groups                      []string
	ExpiresAt                   time.Time
}

// VerifyIDToken verifies a Cognito ID token from the hosted UI's token
// endpoint: RS256 with the key of the accepted issuer it names, aud a
// configured client id (required), token_use id, the registered claims, and
// — when nonce is not empty — the nonce sent with the login request.
func (v *Verifier) VerifyIDToken(ctx context.Context, raw, nonce string) (*IDClaims, error) {
	if !v.issuers.configured() || len(v.cfg.clientIDs) == 0 {
		return nil, newError(ErrConfig, CodeNotConfigured, "ID tokens need the user pool id and the client id configured")
	}
	now := v.cfg.now()
	c, kid, e := v.splitRS256(raw, "ID token")
	if e != nil {
		return nil, e
	}
	cl, err := decodeTokenClaims(c.Payload)
	if err != nil {
		return nil, invalid(CodeMalformedClaims, "ID token payload is not a claims object of the right shape")
	}
	if _, e := v.verifyRS256(ctx, &c, kid, cl.Iss, "ID token"); e != nil {
		return nil, e
	}
	if !slices.ContainsFunc(cl.Aud, func(s string) bool { return slices.Contains(v.cfg.clientIDs, s) }) {
		return nil, invalid(CodeAudienceMismatch, "ID token aud is not a configured client")
	}
	if cl.TokenUse != "id" {
		return nil, invalid(CodeTokenUse, "ID token token_use is not id")
	}
	if nonce != "" && subtle.ConstantTimeCompare([]byte(cl.Nonce), []byte(nonce)) != 1 {
		return nil, invalid(CodeNonceMismatch, "ID token nonce does not match the login request")
	}
	exp, e := v.checkRegistered(&cl, now, "ID token")
	if e != nil {
		return nil, e
	}
	return &IDClaims{
		Sub: cl.Sub, Username: cl.CognitoUsername, Email: cl.Email, EmailVerified: cl.EmailVerified,
		Name: cl.Name, GivenName: cl.GivenName, FamilyName: cl.FamilyName, Groups: cl.Groups, ExpiresAt: time.Unix(exp, 0),
	}, nil
}

// VerifyAccessToken verifies a Cognito access token (pinned pool, RS256,
// token_use access, client id allow-list, exp/iat) and returns its user:
// sub, username, groups, scopes and client id (no email: access tokens do
// not carry it). Verified tokens are cached like ALB header sets.
func (v *Verifier) VerifyAccessToken(ctx context.Context, tok string) (*User, error) {
	if !v.issuers.configured() {
		return nil, newError(ErrConfig, CodeNotConfigured, "an access token was sent but no user pool is configured")
	}
	now := v.cfg.now()
	key := tokencache.Key{B: tok, C: bearerScheme}
	cached, ok := v.cache.user(&key, now)
	if v.cfg.observer != nil {
		v.observeCache(ctx, CacheRequest, ok)
	}
	if ok {
		return cached.Clone(), nil
	}
	acc, e := v.accessToken(ctx, tok, now)
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
	v.cache.putUser(&key, u, u.ExpiresAt)
	return u.Clone(), nil
}

// accessToken returns the verified access token, from the cache when this
// exact string was verified before.
func (v *Verifier) accessToken(ctx context.Context, tok string, now time.Time) (*verifiedAccess, *Error) {
	acc, ok := v.cache.accessToken(tok, now)
	if v.cfg.observer != nil {
		v.observeCache(ctx, CacheAccessToken, ok)
	}
	if ok {
		return acc, nil
	}
	acc, e := v.verifyAccess(ctx, tok, now)
	if e != nil {
		return nil, e
	}
	v.cache.putAccessToken(tok, acc)
	return acc, nil
}

// verify runs every rule on the three headers. The order keeps outbound
// fetches rare: static checks of the ALB token first, then the access token
// (its key comes from the JWKS of the accepted issuer it names), then the
// identity, and only then the ALB key fetch, so a caller without a valid
// Cognito access token can never make this process fetch an ALB key. Each
// token is verified once for its lifetime (tokenCaches): a data token the
// ALB re-signed costs one ES256 verification plus the cross-checks.
func (v *Verifier) verify(ctx context.Context, data, access, identity string, now time.Time) (*User, *Error) {
	d, known := v.cache.dataToken(data, now)
	if v.cfg.observer != nil {
		v.observeCache(ctx, CacheDataToken, known)
	}
	var alb albToken
	if !known {
		var e *Error
		if alb, e = v.checkALB(data, now); e != nil {
			return nil, e
		}
	}
	acc, e := v.accessToken(ctx, access, now)
	if e != nil {
		return nil, e
	}
	if acc.claims.Sub != identity {
		return nil, v.cfg.fail(tokIdentity, "sub agreement", identity, invalid(CodeSubMismatch, "access token sub does not match "+HeaderIdentity))
	}
	v.cfg.pass(tokIdentity, "sub agreement", "equals the access token's sub")
	if !known {
		vd, e := v.finishALB(ctx, &alb, acc.claims.Sub, now)
		if e != nil {
			return nil, e
		}
		d = &vd
		v.cache.putDataToken(data, d)
	}
	if d.claims.Sub != acc.claims.Sub {
		return nil, v.cfg.fail(tokData, "sub agreement", d.claims.Sub, invalid(CodeSubMismatch, "x-amzn-oidc-data sub does not match the access token"))
	}
	v.cfg.pass(tokData, "sub agreement", "equals the access token's sub")
	if d.pool != acc.iss.pool {
		return nil, v.cfg.fail(tokData, "pool agreement", d.pool, invalid(CodeIssuerMismatch, "x-amzn-oidc-data and the access token come from different user pools"))
	}
	v.cfg.pass(tokData, "pool agreement", d.pool)
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

// albToken is an x-amzn-oidc-data token that passed the static checks.
type albToken struct {
	compact jose.Compact
	keys    *keys.ALB // the key source of the region of the ALB that signed it
	kid     string
	exp     int64
	iss     *issuerKeys // the accepted issuer its header names
}

// verifiedData is a fully verified x-amzn-oidc-data token.
type verifiedData struct {
	claims   tokenClaims
	payload  string
	verified bool
	exp      int64 // the earlier of the header and payload exp
	pool     string
}

// verifiedAccess is a fully verified access token.
type verifiedAccess struct {
	claims  tokenClaims
	payload string
	groups  []string
	exp     int64
	iss     *issuerKeys
}

// Token names in errors and explain steps.
const (
	tokData     = "x-amzn-oidc-data"
	tokAccess   = "access token"
	tokIdentity = "x-amzn-oidc-identity"
)

func invalid(code Code, detail string) *Error { return newError(ErrInvalidToken, code, detail) }

// splitToken checks the strict compact form and size of a token.
func (v *Verifier) splitToken(raw, what string) (jose.Compact, *Error) {
	c, err := jose.Split(raw, maxHeaderBytes)
	if err != nil {
		if errors.Is(err, jose.ErrTooLarge) {
			return c, v.cfg.fail(what, "form", "", invalid(CodeHeaderTooLarge, what+" is over the size cap"))
		}
		return c, v.cfg.fail(what, "form", err.Error(), invalid(CodeMalformedToken, what+": "+err.Error()))
	}
	v.cfg.pass(what, "form", "")
	v.cfg.decoded(what, &c)
	return c, nil
}

// checkALB applies every rule that needs no key: form, size, alg, kid,
// forbidden parameters, signer, issuer, client, header exp and nbf.
func (v *Verifier) checkALB(raw string, now time.Time) (albToken, *Error) {
	c, e := v.splitToken(raw, tokData)
	if e != nil {
		return albToken{}, e
	}
	cfg := v.cfg
	h, err := jose.ParseHeader(c.Header)
	if err != nil {
		return albToken{}, cfg.fail(tokData, "header", err.Error(), invalid(CodeMalformedHeader, "x-amzn-oidc-data: "+err.Error()))
	}
	if h.Alg != "ES256" {
		return albToken{}, cfg.fail(tokData, "alg", h.Alg, invalid(CodeUnsupportedAlg, "x-amzn-oidc-data alg is not ES256"))
	}
	cfg.pass(tokData, "alg", h.Alg)
	if h.Forbidden != "" {
		return albToken{}, cfg.fail(tokData, "header parameters", h.Forbidden, invalid(CodeForbiddenParam, "x-amzn-oidc-data header carries "+h.Forbidden))
	}
	if !isUUID(h.Kid) {
		return albToken{}, cfg.fail(tokData, "kid", h.Kid, invalid(CodeInvalidKid, "x-amzn-oidc-data kid is not a UUID"))
	}
	cfg.pass(tokData, "kid", h.Kid)
	src := v.alb[h.Signer]
	if src == nil {
		return albToken{}, cfg.fail(tokData, "signer", h.Signer, invalid(CodeSignerMismatch, "x-amzn-oidc-data signer is not a configured ALB"))
	}
	cfg.pass(tokData, "signer", h.Signer)
	iss := v.issuers.lookup(h.Iss)
	if iss == nil {
		return albToken{}, cfg.fail(tokData, "iss (JWS header)", h.Iss, invalid(CodeIssuerMismatch, "x-amzn-oidc-data header iss is not an issuer of a configured pool"))
	}
	cfg.pass(tokData, "iss (JWS header)", h.Iss)
	if len(cfg.clientIDs) > 0 && !slices.Contains(cfg.clientIDs, h.Client) {
		return albToken{}, cfg.fail(tokData, "client", h.Client, invalid(CodeClientMismatch, "x-amzn-oidc-data client is not a configured client"))
	}
	cfg.pass(tokData, "client", h.Client)
	exp, e := v.checkExp(h.Exp, now, "x-amzn-oidc-data header")
	if e != nil {
		return albToken{}, e
	}
	if e := v.checkNotBefore(h.Nbf, now, "x-amzn-oidc-data header"); e != nil {
		return albToken{}, e
	}
	return albToken{compact: c, keys: src, kid: h.Kid, exp: exp, iss: iss}, nil
}

// finishALB fetches the key (host from configuration only, on behalf of the
// verified sub), verifies the signature over the raw bytes as received and
// checks the payload claims.
func (v *Verifier) finishALB(ctx context.Context, t *albToken, sub string, now time.Time) (verifiedData, *Error) {
	cfg := v.cfg
	key, err := t.keys.Key(ctx, t.kid, sub)
	if err != nil {
		e := keyError(err, "ALB key")
		return verifiedData{}, cfg.fail(tokData, "key", e.detail, e)
	}
	if cfg.tracer != nil {
		cfg.pass(tokData, "key", "kid "+t.kid+" from "+t.keys.BaseURL())
	}
	if err := jose.VerifyES256(key, &t.compact); err != nil {
		return verifiedData{}, cfg.fail(tokData, "signature", err.Error(), invalid(CodeInvalidSignature, "x-amzn-oidc-data: "+err.Error()))
	}
	cfg.pass(tokData, "signature", "ES256")
	d := verifiedData{payload: string(t.compact.Payload), pool: t.iss.pool}
	if d.claims, err = decodeTokenClaims(t.compact.Payload); err != nil {
		return verifiedData{}, cfg.fail(tokData, "claims", err.Error(), invalid(CodeMalformedClaims, "x-amzn-oidc-data payload is not a claims object of the right shape"))
	}
	exp, e := v.checkExp(d.claims.Exp, now, "x-amzn-oidc-data")
	if e != nil {
		return verifiedData{}, e
	}
	if e := v.checkNotBefore(d.claims.Nbf, now, "x-amzn-oidc-data"); e != nil {
		return verifiedData{}, e
	}
	d.exp = min(exp, t.exp)
	if iss := v.issuers.lookup(d.claims.Iss); iss == nil || iss.pool != t.iss.pool {
		return verifiedData{}, cfg.fail(tokData, "iss", d.claims.Iss, invalid(CodeIssuerMismatch, "x-amzn-oidc-data iss is not an issuer of the pool its header names"))
	}
	cfg.pass(tokData, "iss", d.claims.Iss)
	if d.claims.Sub == "" {
		return verifiedData{}, cfg.fail(tokData, "sub", "", invalid(CodeMissingSub, "x-amzn-oidc-data has no sub"))
	}
	d.verified = d.claims.EmailVerified
	if d.claims.Email != "" && !d.verified && !cfg.allowUnverified {
		return verifiedData{}, cfg.fail(tokData, "email_verified", "false", newError(ErrForbidden, CodeEmailUnverified, "user's email is not verified"))
	}
	cfg.pass(tokData, "email_verified", emailState(&d.claims, cfg.allowUnverified))
	return d, nil
}

// splitRS256 checks a Cognito-signed token up to the key look-up: strict
// form and size, alg RS256 on the token's own header, no key-material
// parameters, and a well-formed kid. what names the token in errors.
func (v *Verifier) splitRS256(raw, what string) (jose.Compact, string, *Error) {
	c, e := v.splitToken(raw, what)
	if e != nil {
		return c, "", e
	}
	cfg := v.cfg
	h, err := jose.ParseHeader(c.Header)
	switch {
	case err != nil:
		return c, "", cfg.fail(what, "header", err.Error(), invalid(CodeMalformedHeader, what+": "+err.Error()))
	case h.Alg != "RS256":
		return c, "", cfg.fail(what, "alg", h.Alg, invalid(CodeUnsupportedAlg, what+" alg is not RS256"))
	case h.Forbidden != "":
		return c, "", cfg.fail(what, "header parameters", h.Forbidden, invalid(CodeForbiddenParam, what+" header carries "+h.Forbidden))
	case !isPrintableKid(h.Kid):
		return c, "", cfg.fail(what, "kid", h.Kid, invalid(CodeInvalidKid, what+" kid is missing or malformed"))
	}
	cfg.pass(what, "alg", h.Alg)
	cfg.pass(what, "kid", h.Kid)
	return c, h.Kid, nil
}

// verifyRS256 finds the accepted issuer iss exactly, takes the key by kid
// from that issuer's own JWKS (never a URL from the token) and verifies the
// signature over the raw bytes.
func (v *Verifier) verifyRS256(ctx context.Context, c *jose.Compact, kid, iss, what string) (*issuerKeys, *Error) {
	cfg := v.cfg
	ik := v.issuers.lookup(iss)
	if ik == nil {
		return nil, cfg.fail(what, "iss", iss, invalid(CodeIssuerMismatch, what+" iss is not an issuer of a configured pool"))
	}
	cfg.pass(what, "iss", iss)
	key, err := ik.jwks.Key(ctx, kid)
	if err != nil {
		e := keyError(err, "Cognito JWKS")
		return nil, cfg.fail(what, "key", e.detail, e)
	}
	if cfg.tracer != nil {
		cfg.pass(what, "key", "kid "+kid+" from the JWKS of "+ik.issuer)
	}
	if err := jose.VerifyRS256(key, c); err != nil {
		return nil, cfg.fail(what, "signature", err.Error(), invalid(CodeInvalidSignature, what+": "+err.Error()))
	}
	cfg.pass(what, "signature", "RS256")
	return ik, nil
}

// verifyAccess verifies a Cognito access token: RS256 with the key of the
// issuer it names (an accepted one), token_use, client_id and the
// registered claims.
func (v *Verifier) verifyAccess(ctx context.Context, raw string, now time.Time) (*verifiedAccess, *Error) {
	c, kid, e := v.splitRS256(raw, tokAccess)
	if e != nil {
		return nil, e
	}
	cfg := v.cfg
	claims, err := decodeTokenClaims(c.Payload)
	if err != nil {
		return nil, cfg.fail(tokAccess, "claims", err.Error(), invalid(CodeMalformedClaims, "access token payload is not a claims object of the right shape"))
	}
	iss, e := v.verifyRS256(ctx, &c, kid, claims.Iss, tokAccess)
	if e != nil {
		return nil, e
	}
	if claims.TokenUse != "access" {
		return nil, cfg.fail(tokAccess, "token_use", claims.TokenUse, invalid(CodeTokenUse, "access token token_use is not access"))
	}
	cfg.pass(tokAccess, "token_use", claims.TokenUse)
	if len(cfg.clientIDs) > 0 && !slices.Contains(cfg.clientIDs, claims.ClientID) {
		return nil, cfg.fail(tokAccess, "client_id", claims.ClientID, invalid(CodeClientMismatch, "access token client_id is not a configured client"))
	}
	cfg.pass(tokAccess, "client_id", claims.ClientID)
	exp, e := v.checkRegistered(&claims, now, tokAccess)
	if e != nil {
		return nil, e
	}
	return &verifiedAccess{claims: claims, payload: string(c.Payload), groups: claims.Groups, exp: exp, iss: iss}, nil
}

// keyError maps a key source failure to a coded error. Only what the key
// server said about the kid makes the token invalid (401): no key with that
// kid, a key of the wrong type, or a user who asked for too many unknown
// kids. Everything that says nothing about the token — a key server that is
// failing or slow, or the shared budget for new kids spent — is an outage
// (503): the request may be retried, and a valid user is never told that
// their sign-in is invalid.
func keyError(err error, what string) *Error {
	switch {
	case errors.Is(err, keys.ErrUnknownKid):
		return invalid(CodeUnknownKid, what+": no key with that kid")
	case errors.Is(err, keys.ErrThrottled):
		return invalid(CodeUnknownKid, what+": kid not cached, and this user already asked for too many kids the key server does not have")
	case errors.Is(err, keys.ErrBadKey):
		return invalid(CodeInvalidKey, what+": "+err.Error())
	}
	return newError(ErrUnavailable, CodeKeyUnavailable, what+": "+err.Error())
}

// isUUID reports the canonical 8-4-4-4-12 hex form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

// isPrintableKid accepts a non-empty kid of base64 characters (Cognito kids
// are base64 of a key hash); it is only ever used as a map key.
func isPrintableKid(s string) bool {
	if s == "" || len(s) > maxKidLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isKidChar(c) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isKidChar(c byte) bool {
	switch {
	case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		return true
	}
	return c == '+' || c == '/' || c == '=' || c == '-' || c == '_'
}
