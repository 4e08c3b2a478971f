package core

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/jose"
	"github.com/cognitoauth/cognito-auth-go/core/internal/keys"
	"github.com/cognitoauth/cognito-auth-go/core/internal/tokencache"
)

// verifyALB verifies an ALB header set (all three present), from the cache
// when this exact set was verified before.
func (v *Verifier) verifyALB(ctx context.Context, data, access, identity string) (*User, error) {
	if !v.verifiesALB() {
		// The client chose these headers: that is never a server error.
		return nil, invalid(CodeNotConfigured, "ALB authentication headers sent, but this app does not verify them (no user pool and ALB ARN configured)")
	}
	now := v.cfg.now()
	key := tokencache.Key{A: data, B: access, C: identity}
	u, ok := v.albCache.set(&key, now)
	if v.cfg.observer != nil {
		v.observeCache(ctx, CacheRequest, ok)
	}
	if !ok {
		var verr *Error
		if u, verr = v.verify(ctx, data, access, identity, now); verr != nil {
			return nil, verr
		}
		v.albCache.putSet(&key, u, minTime(u.ExpiresAt, u.ClaimsExpireAt))
	}
	if e := v.revalidate.check(ctx, access, u, v.cfg.steps); e != nil {
		return nil, e
	}
	return u.Clone(), nil
}

// verify runs every rule on the three headers. The order keeps outbound
// fetches rare: static checks of the ALB token first, then the access token
// (its key comes from the JWKS of the accepted issuer it names), then the
// identity, and only then the ALB key fetch, so a caller without a valid
// Cognito access token can never make this process fetch an ALB key. Each
// token is verified once for its lifetime (tokenCaches): a data token the
// ALB re-signed costs one ES256 verification plus the cross-checks.
func (v *Verifier) verify(ctx context.Context, data, access, identity string, now time.Time) (*User, *Error) {
	d, known := v.albCache.dataToken(data, now)
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
	if acc.machine {
		return nil, v.cfg.steps.fail(tokAccess, "principal", "machine client", invalid(CodeClientMismatch, "x-amzn-oidc-accesstoken is a machine client's token: the ALB forwards users' tokens only"))
	}
	if acc.claims.Sub != identity {
		return nil, v.cfg.steps.mismatch(tokIdentity, "sub agreement", identity, invalid(CodeSubMismatch, "access token sub does not match "+HeaderIdentity), func() expected {
			return expected{label: "access token sub", value: acc.claims.Sub, hint: "the identity header must be the signed-in user's sub, as the ALB sends it: did something between the ALB and the app change it?"}
		})
	}
	v.cfg.steps.pass(tokIdentity, "sub agreement", "equals the access token's sub")
	if !known {
		vd, e := v.finishALB(ctx, &alb, acc.claims.Sub, now)
		if e != nil {
			return nil, e
		}
		d = &vd
		v.albCache.putDataToken(data, d)
	}
	if d.claims.Sub != acc.claims.Sub {
		return nil, v.cfg.steps.mismatch(tokData, "sub agreement", d.claims.Sub, invalid(CodeSubMismatch, "x-amzn-oidc-data sub does not match the access token"), func() expected {
			return expected{label: "access token sub", value: acc.claims.Sub, hint: "the two tokens are of different users"}
		})
	}
	v.cfg.steps.pass(tokData, "sub agreement", "equals the access token's sub")
	if d.pool != acc.iss.pool {
		return nil, v.cfg.steps.mismatch(tokData, "pool agreement", d.pool, invalid(CodeIssuerMismatch, "x-amzn-oidc-data and the access token come from different user pools"), func() expected {
			return expected{label: "access token pool", value: acc.iss.pool, hint: "the two tokens come from different user pools"}
		})
	}
	v.cfg.steps.pass(tokData, "pool agreement", d.pool)
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
		AuthTime:       acc.claims.AuthTime.Time(),
		issuedAt:       acc.claims.Iat.Time(),
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
		return albToken{}, cfg.steps.fail(tokData, "header", err.Error(), invalid(CodeMalformedHeader, "x-amzn-oidc-data: "+err.Error()))
	}
	if h.Alg != "ES256" {
		return albToken{}, cfg.steps.fail(tokData, "alg", h.Alg, invalid(CodeUnsupportedAlg, "x-amzn-oidc-data alg is not ES256"))
	}
	cfg.steps.pass(tokData, "alg", h.Alg)
	if h.Forbidden != "" {
		return albToken{}, cfg.steps.fail(tokData, "header parameters", h.Forbidden, invalid(CodeForbiddenParam, "x-amzn-oidc-data header carries "+h.Forbidden))
	}
	if !isUUID(h.Kid) {
		return albToken{}, cfg.steps.fail(tokData, "kid", h.Kid, invalid(CodeInvalidKid, "x-amzn-oidc-data kid is not a UUID"))
	}
	cfg.steps.pass(tokData, "kid", h.Kid)
	src := v.alb[h.Signer]
	if src == nil {
		return albToken{}, cfg.steps.mismatch(tokData, "signer", h.Signer, invalid(CodeSignerMismatch, "x-amzn-oidc-data signer is not a configured ALB"), func() expected { return cfg.wantSigner(h.Signer) })
	}
	cfg.steps.pass(tokData, "signer", h.Signer)
	iss := v.issuers.lookup(h.Iss)
	if iss == nil {
		return albToken{}, cfg.steps.mismatch(tokData, "iss (JWS header)", h.Iss, invalid(CodeIssuerMismatch, "x-amzn-oidc-data header iss is not an issuer of a configured pool"), func() expected { return cfg.wantIssuer(h.Iss) })
	}
	cfg.steps.pass(tokData, "iss (JWS header)", h.Iss)
	if len(cfg.clientIDs) > 0 && !slices.Contains(cfg.clientIDs, h.Client) {
		return albToken{}, cfg.steps.mismatch(tokData, "client", h.Client, invalid(CodeClientMismatch, "x-amzn-oidc-data client is not a configured client"), func() expected { return cfg.wantClient(h.Client) })
	}
	cfg.steps.pass(tokData, "client", h.Client)
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
		return verifiedData{}, cfg.steps.fail(tokData, "key", e.detail, e)
	}
	if cfg.steps.on() {
		cfg.steps.pass(tokData, "key", "kid "+t.kid+" from "+t.keys.BaseURL())
	}
	if err := jose.VerifyES256(key, &t.compact); err != nil {
		return verifiedData{}, cfg.steps.fail(tokData, "signature", err.Error(), invalid(CodeInvalidSignature, "x-amzn-oidc-data: "+err.Error()))
	}
	cfg.steps.pass(tokData, "signature", "ES256")
	d := verifiedData{payload: string(t.compact.Payload), pool: t.iss.pool}
	if d.claims, err = decodeTokenClaims(t.compact.Payload); err != nil {
		return verifiedData{}, cfg.steps.fail(tokData, "claims", err.Error(), invalid(CodeMalformedClaims, "x-amzn-oidc-data payload is not a claims object of the right shape"))
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
		return verifiedData{}, cfg.steps.mismatch(tokData, "iss", d.claims.Iss, invalid(CodeIssuerMismatch, "x-amzn-oidc-data iss is not an issuer of the pool its header names"), func() expected {
			w := expected{label: "JWS header", value: "an issuer of pool " + t.iss.pool + " (" + t.iss.issuer + ")"}
			if iss != nil {
				w.hint = "an issuer of another configured pool, " + iss.pool + ": the header and the payload disagree"
			} else {
				w.hint = cfg.wantIssuer(d.claims.Iss).hint
			}
			return w
		})
	}
	cfg.steps.pass(tokData, "iss", d.claims.Iss)
	if d.claims.Sub == "" {
		return verifiedData{}, cfg.steps.fail(tokData, "sub", "", invalid(CodeMissingSub, "x-amzn-oidc-data has no sub"))
	}
	d.verified = d.claims.EmailVerified
	if d.claims.Email != "" && !d.verified && !cfg.allowUnverified {
		return verifiedData{}, cfg.steps.fail(tokData, "email_verified", "false", newError(ErrForbidden, CodeEmailUnverified, "user's email is not verified"))
	}
	cfg.steps.pass(tokData, "email_verified", emailState(&d.claims, cfg.allowUnverified))
	return d, nil
}

// albCache remembers verified ALB tokens, each by its own full string, so a
// token is verified once for its lifetime: whole header sets, for the common
// request that repeats all three headers, and data tokens, which the ALB
// re-signs at least every two minutes (a new one costs a single ES256
// verification; its access token is in the accessCache). Each cache is
// bounded in entries and bytes, a hit compares full strings, and entries end
// at their token's exp. A nil *albCache caches nothing.
type albCache struct {
	sets *tokencache.Cache[*User]
	data *tokencache.Cache[*verifiedData]
}

// newALBCache takes a quarter of the configured bounds for each cache.
func newALBCache(entries, bytes int) *albCache {
	if entries <= 0 || bytes <= 0 {
		return nil
	}
	return &albCache{
		sets: tokencache.New[*User](max(1, entries/4), max(1, bytes/4)),
		data: tokencache.New[*verifiedData](max(1, entries/4), max(1, bytes/4)),
	}
}

func (c *albCache) set(k *tokencache.Key, now time.Time) (*User, bool) {
	if c == nil {
		return nil, false
	}
	return c.sets.Get(k, now)
}

func (c *albCache) putSet(k *tokencache.Key, u *User, expires time.Time) {
	if c != nil {
		c.sets.Put(k, u, expires)
	}
}

func (c *albCache) dataToken(tok string, now time.Time) (*verifiedData, bool) {
	if c == nil {
		return nil, false
	}
	return c.data.Get(&tokencache.Key{A: tok}, now)
}

func (c *albCache) putDataToken(tok string, v *verifiedData) {
	if c != nil {
		c.data.Put(&tokencache.Key{A: tok}, v, time.Unix(v.exp, 0))
	}
}
