package core

import (
	"context"
	"errors"

	"github.com/cognitoauth/cognito-auth-go/core/internal/jose"
	"github.com/cognitoauth/cognito-auth-go/core/internal/keys"
)

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
			return c, v.cfg.steps.fail(what, "form", "", invalid(CodeHeaderTooLarge, what+" is over the size cap"))
		}
		return c, v.cfg.steps.fail(what, "form", err.Error(), invalid(CodeMalformedToken, what+": "+err.Error()))
	}
	v.cfg.steps.pass(what, "form", "")
	v.cfg.steps.decoded(what, &c)
	return c, nil
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
		return c, "", cfg.steps.fail(what, "header", err.Error(), invalid(CodeMalformedHeader, what+": "+err.Error()))
	case h.Alg != "RS256":
		return c, "", cfg.steps.fail(what, "alg", h.Alg, invalid(CodeUnsupportedAlg, what+" alg is not RS256"))
	case h.Forbidden != "":
		return c, "", cfg.steps.fail(what, "header parameters", h.Forbidden, invalid(CodeForbiddenParam, what+" header carries "+h.Forbidden))
	case !isPrintableKid(h.Kid):
		return c, "", cfg.steps.fail(what, "kid", h.Kid, invalid(CodeInvalidKid, what+" kid is missing or malformed"))
	}
	cfg.steps.pass(what, "alg", h.Alg)
	cfg.steps.pass(what, "kid", h.Kid)
	return c, h.Kid, nil
}

// verifyRS256 finds the accepted issuer iss exactly, takes the key by kid
// from that issuer's own JWKS (never a URL from the token) and verifies the
// signature over the raw bytes.
func (v *Verifier) verifyRS256(ctx context.Context, c *jose.Compact, kid, iss, what string) (*issuerKeys, *Error) {
	cfg := v.cfg
	ik := v.issuers.lookup(iss)
	if ik == nil {
		return nil, cfg.steps.mismatch(what, "iss", iss, invalid(CodeIssuerMismatch, what+" iss is not an issuer of a configured pool"), func() expected { return cfg.wantIssuer(iss) })
	}
	cfg.steps.pass(what, "iss", iss)
	key, err := ik.jwks.Key(ctx, kid)
	if err != nil {
		e := keyError(err, "Cognito JWKS")
		return nil, cfg.steps.fail(what, "key", e.detail, e)
	}
	if cfg.steps.on() {
		cfg.steps.pass(what, "key", "kid "+kid+" from the JWKS of "+ik.issuer)
	}
	if err := jose.VerifyRS256(key, c); err != nil {
		return nil, cfg.steps.fail(what, "signature", err.Error(), invalid(CodeInvalidSignature, what+": "+err.Error()))
	}
	cfg.steps.pass(what, "signature", "RS256")
	return ik, nil
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

// observeCache reports a cache look-up (none when caching is off).
func (v *Verifier) observeCache(ctx context.Context, cache string, hit bool) {
	if v.cfg.cacheEntries > 0 && v.cfg.cacheBytes > 0 {
		v.cfg.observer.ObserveCache(ctx, CacheEvent{Cache: cache, Hit: hit})
	}
}
