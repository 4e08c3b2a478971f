package core

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/tokencache"
)

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
	cached, ok := v.accessCache.bearer(&key, now)
	if v.cfg.observer != nil {
		v.observeCache(ctx, CacheRequest, ok)
	}
	if ok {
		if e := v.revalidate.check(ctx, tok, cached, v.cfg.steps); e != nil {
			return nil, e
		}
		return cached.Clone(), nil
	}
	acc, e := v.accessToken(ctx, tok, now)
	if e != nil {
		return nil, e
	}
	u := &User{
		Machine:     acc.machine,
		Sub:         acc.claims.Sub,
		Username:    acc.claims.Username,
		Groups:      acc.groups,
		Scopes:      strings.Fields(acc.claims.Scope),
		ClientID:    acc.claims.ClientID,
		ExpiresAt:   time.Unix(acc.exp, 0),
		UserPoolID:  acc.iss.pool,
		Issuer:      acc.iss.issuer,
		accessClaim: acc.payload,
		AuthTime:    acc.claims.AuthTime.Time(),
		issuedAt:    acc.claims.Iat.Time(),
	}
	v.accessCache.putBearer(&key, u, u.ExpiresAt)
	if e := v.revalidate.check(ctx, tok, u, v.cfg.steps); e != nil {
		return nil, e
	}
	return u.Clone(), nil
}

// accessToken returns the verified access token, from the cache when this
// exact string was verified before.
func (v *Verifier) accessToken(ctx context.Context, tok string, now time.Time) (*verifiedAccess, *Error) {
	acc, ok := v.accessCache.token(tok, now)
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
	v.accessCache.putToken(tok, acc)
	return acc, nil
}

// verifiedAccess is a fully verified access token.
type verifiedAccess struct {
	claims  tokenClaims
	payload string
	groups  []string
	exp     int64
	iss     *issuerKeys
	machine bool // a client-credentials token: a machine principal
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
		return nil, cfg.steps.fail(tokAccess, "claims", err.Error(), invalid(CodeMalformedClaims, "access token payload is not a claims object of the right shape"))
	}
	iss, e := v.verifyRS256(ctx, &c, kid, claims.Iss, tokAccess)
	if e != nil {
		return nil, e
	}
	if claims.TokenUse != "access" {
		return nil, cfg.steps.mismatch(tokAccess, "token_use", claims.TokenUse, invalid(CodeTokenUse, "access token token_use is not access"), wantTokenUse(claims.TokenUse))
	}
	cfg.steps.pass(tokAccess, "token_use", claims.TokenUse)
	if e := v.checkClient(&claims); e != nil {
		return nil, e
	}
	exp, e := v.checkRegistered(&claims, now, tokAccess)
	if e != nil {
		return nil, e
	}
	return &verifiedAccess{claims: claims, payload: string(c.Payload), groups: claims.Groups, exp: exp, iss: iss, machine: isMachine(&claims)}, nil
}

// isMachine reports a client-credentials access token: Cognito issues it
// to the app client itself, with the client's id as sub and no username.
func isMachine(c *tokenClaims) bool {
	return c.Username == "" && c.CognitoUsername == "" && c.Sub == c.ClientID
}

// checkClient checks the access token's client_id: a machine token's
// against the machine clients (none configured: refused), a user's against
// the app's clients (none configured: any client of the pool).
func (v *Verifier) checkClient(c *tokenClaims) *Error {
	cfg := v.cfg
	if isMachine(c) {
		if !slices.Contains(cfg.machineClientIDs, c.ClientID) {
			return cfg.steps.mismatch(tokAccess, "client_id", c.ClientID+" (machine client)", invalid(CodeClientMismatch,
				"access token is a client-credentials token of a client that is not an allowed machine client ("+EnvMachineClientIDs+")"),
				func() expected { return cfg.wantMachineClient() })
		}
		cfg.steps.pass(tokAccess, "client_id", c.ClientID+" (machine client)")
		return nil
	}
	if len(cfg.clientIDs) > 0 && !slices.Contains(cfg.clientIDs, c.ClientID) {
		return cfg.steps.mismatch(tokAccess, "client_id", c.ClientID, invalid(CodeClientMismatch, "access token client_id is not a configured client"), func() expected { return cfg.wantClient(c.ClientID) })
	}
	cfg.steps.pass(tokAccess, "client_id", c.ClientID)
	return nil
}

// accessCache remembers verified access tokens by their full string (the
// same string for the token's lifetime, 5 minutes to a day), and the users
// of bearer requests. Bounded and nil-safe like albCache.
type accessCache struct {
	users  *tokencache.Cache[*User]
	tokens *tokencache.Cache[*verifiedAccess]
}

// newAccessCache takes a quarter of the configured bounds for each cache.
func newAccessCache(entries, bytes int) *accessCache {
	if entries <= 0 || bytes <= 0 {
		return nil
	}
	return &accessCache{
		users:  tokencache.New[*User](max(1, entries/4), max(1, bytes/4)),
		tokens: tokencache.New[*verifiedAccess](max(1, entries/4), max(1, bytes/4)),
	}
}

func (c *accessCache) bearer(k *tokencache.Key, now time.Time) (*User, bool) {
	if c == nil {
		return nil, false
	}
	return c.users.Get(k, now)
}

func (c *accessCache) putBearer(k *tokencache.Key, u *User, expires time.Time) {
	if c != nil {
		c.users.Put(k, u, expires)
	}
}

func (c *accessCache) token(tok string, now time.Time) (*verifiedAccess, bool) {
	if c == nil {
		return nil, false
	}
	return c.tokens.Get(&tokencache.Key{B: tok}, now)
}

func (c *accessCache) putToken(tok string, v *verifiedAccess) {
	if c != nil {
		c.tokens.Put(&tokencache.Key{B: tok}, v, time.Unix(v.exp, 0))
	}
}
