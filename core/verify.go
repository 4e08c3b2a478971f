package core

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/jose"
	"github.com/cognitoauth/cognito-auth-go/core/internal/keys"
)

// Limits on claim values.
const (
	maxKidLen     = 128
	maxGroups     = 1000
	maxGroupBytes = 256
)

// dataClaims is the payload of x-amzn-oidc-data (the ALB's user claims).
type dataClaims struct {
	Sub, Username, Email        string
	Name, GivenName, FamilyName string
	Iss                         string
	EmailVerified               bool
	Exp, Nbf                    jose.Date
}

// decodeDataClaims reads the claims core uses; other claims are kept only in
// the raw payload.
func decodeDataClaims(b []byte) (dataClaims, error) {
	c := dataClaims{Exp: jose.MissingDate, Nbf: jose.MissingDate}
	err := jose.DecodeObject(b, func(k string, v *jose.Value) error {
		var err error
		switch k {
		case "sub":
			c.Sub, err = jose.String(v)
		case "username":
			c.Username, err = jose.String(v)
		case "email":
			c.Email, err = jose.String(v)
		case "name":
			c.Name, err = jose.String(v)
		case "given_name":
			c.GivenName, err = jose.String(v)
		case "family_name":
			c.FamilyName, err = jose.String(v)
		case "iss":
			c.Iss, err = jose.String(v)
		case "email_verified":
			c.EmailVerified = jose.IsTrue(v)
		case "exp":
			c.Exp = jose.NumericDate(v)
		case "nbf":
			c.Nbf = jose.NumericDate(v)
		}
		return err
	})
	return c, err
}

// accessClaims is the payload of a Cognito access token.
type accessClaims struct {
	Iss, TokenUse, ClientID string
	Sub, Username, Scope    string
	Groups                  []string
	GroupsOK                bool
	Exp, Iat, Nbf           jose.Date
}

func decodeAccessClaims(b []byte) (accessClaims, error) {
	c := accessClaims{Exp: jose.MissingDate, Iat: jose.MissingDate, Nbf: jose.MissingDate, GroupsOK: true}
	err := jose.DecodeObject(b, func(k string, v *jose.Value) error {
		var err error
		switch k {
		case "iss":
			c.Iss, err = jose.String(v)
		case "token_use":
			c.TokenUse, err = jose.String(v)
		case "client_id":
			c.ClientID, err = jose.String(v)
		case "sub":
			c.Sub, err = jose.String(v)
		case "username":
			c.Username, err = jose.String(v)
		case "scope":
			c.Scope, err = jose.String(v)
		case "cognito:groups":
			c.Groups, c.GroupsOK = jose.Strings(v, maxGroups, maxGroupBytes)
		case "exp":
			c.Exp = jose.NumericDate(v)
		case "iat":
			c.Iat = jose.NumericDate(v)
		case "nbf":
			c.Nbf = jose.NumericDate(v)
		}
		return err
	})
	return c, err
}

// albToken is an x-amzn-oidc-data token that passed the static checks.
type albToken struct {
	compact jose.Compact
	kid     string
	exp     int64
	iss     *issuerKeys // the accepted issuer its header names
}

// verifiedData is a fully verified x-amzn-oidc-data token.
type verifiedData struct {
	claims   dataClaims
	payload  string
	verified bool
	exp      int64 // the earlier of the header and payload exp
	pool     string
}

// verifiedAccess is a fully verified access token.
type verifiedAccess struct {
	claims  accessClaims
	payload string
	groups  []string
	exp     int64
	iss     *issuerKeys
}

func invalid(code Code, detail string) *Error { return newError(ErrInvalidToken, code, detail) }

// splitToken checks the strict compact form and size of a token.
func splitToken(raw, what string) (jose.Compact, *Error) {
	c, err := jose.Split(raw, maxHeaderBytes)
	if err != nil {
		if errors.Is(err, jose.ErrTooLarge) {
			return c, invalid(CodeHeaderTooLarge, what+" is over the size cap")
		}
		return c, invalid(CodeMalformedToken, what+": "+err.Error())
	}
	return c, nil
}

// checkALB applies every rule that needs no key: form, size, alg, kid,
// forbidden parameters, signer, issuer, client, header exp and nbf.
func (a *BaseAuth) checkALB(raw string, now time.Time) (albToken, *Error) {
	c, e := splitToken(raw, "x-amzn-oidc-data")
	if e != nil {
		return albToken{}, e
	}
	h, err := jose.ParseHeader(c.Header)
	if err != nil {
		return albToken{}, invalid(CodeMalformedHeader, "x-amzn-oidc-data: "+err.Error())
	}
	if h.Alg != "ES256" {
		return albToken{}, invalid(CodeUnsupportedAlg, "x-amzn-oidc-data alg is not ES256")
	}
	if h.Forbidden != "" {
		return albToken{}, invalid(CodeForbiddenParam, "x-amzn-oidc-data header carries "+h.Forbidden)
	}
	if !isUUID(h.Kid) {
		return albToken{}, invalid(CodeInvalidKid, "x-amzn-oidc-data kid is not a UUID")
	}
	if !slices.Contains(a.cfg.albARNs, h.Signer) {
		return albToken{}, invalid(CodeSignerMismatch, "x-amzn-oidc-data signer is not a configured ALB")
	}
	iss := a.issuers.lookup(h.Iss)
	if iss == nil {
		return albToken{}, invalid(CodeIssuerMismatch, "x-amzn-oidc-data header iss is not an issuer of a configured pool")
	}
	if len(a.cfg.clientIDs) > 0 && !slices.Contains(a.cfg.clientIDs, h.Client) {
		return albToken{}, invalid(CodeClientMismatch, "x-amzn-oidc-data client is not a configured client")
	}
	exp, e := a.checkExp(h.Exp, now, "x-amzn-oidc-data header")
	if e != nil {
		return albToken{}, e
	}
	if e := a.checkNotBefore(h.Nbf, now, "x-amzn-oidc-data header"); e != nil {
		return albToken{}, e
	}
	return albToken{compact: c, kid: h.Kid, exp: exp, iss: iss}, nil
}

// finishALB fetches the key (host from configuration only, on behalf of the
// verified sub), verifies the signature over the raw bytes as received and
// checks the payload claims.
func (a *BaseAuth) finishALB(ctx context.Context, t *albToken, sub string, now time.Time) (verifiedData, *Error) {
	key, err := a.alb.Key(ctx, t.kid, sub)
	if err != nil {
		return verifiedData{}, keyError(err, "ALB key")
	}
	if err := jose.VerifyES256(key, &t.compact); err != nil {
		return verifiedData{}, invalid(CodeInvalidSignature, "x-amzn-oidc-data: "+err.Error())
	}
	v := verifiedData{payload: string(t.compact.Payload), pool: t.iss.pool}
	if v.claims, err = decodeDataClaims(t.compact.Payload); err != nil {
		return verifiedData{}, invalid(CodeMalformedClaims, "x-amzn-oidc-data payload is not a claims object of the right shape")
	}
	exp, e := a.checkExp(v.claims.Exp, now, "x-amzn-oidc-data")
	if e != nil {
		return verifiedData{}, e
	}
	if e := a.checkNotBefore(v.claims.Nbf, now, "x-amzn-oidc-data"); e != nil {
		return verifiedData{}, e
	}
	v.exp = min(exp, t.exp)
	if iss := a.issuers.lookup(v.claims.Iss); iss == nil || iss.pool != t.iss.pool {
		return verifiedData{}, invalid(CodeIssuerMismatch, "x-amzn-oidc-data iss is not an issuer of the pool its header names")
	}
	if v.claims.Sub == "" {
		return verifiedData{}, invalid(CodeMissingSub, "x-amzn-oidc-data has no sub")
	}
	v.verified = v.claims.EmailVerified
	if v.claims.Email != "" && !v.verified && !a.cfg.allowUnverified {
		return verifiedData{}, newError(ErrForbidden, CodeEmailUnverified, "user's email is not verified")
	}
	return v, nil
}

// splitRS256 checks a Cognito-signed token up to the key look-up: strict
// form and size, alg RS256 on the token's own header, no key-material
// parameters, and a well-formed kid. what names the token in errors.
func splitRS256(raw, what string) (jose.Compact, string, *Error) {
	c, e := splitToken(raw, what)
	if e != nil {
		return c, "", e
	}
	h, err := jose.ParseHeader(c.Header)
	switch {
	case err != nil:
		return c, "", invalid(CodeMalformedHeader, what+": "+err.Error())
	case h.Alg != "RS256":
		return c, "", invalid(CodeUnsupportedAlg, what+" alg is not RS256")
	case h.Forbidden != "":
		return c, "", invalid(CodeForbiddenParam, what+" header carries "+h.Forbidden)
	case !isPrintableKid(h.Kid):
		return c, "", invalid(CodeInvalidKid, what+" kid is missing or malformed")
	}
	return c, h.Kid, nil
}

// verifyRS256 finds the accepted issuer iss exactly, takes the key by kid
// from that issuer's own JWKS (never a URL from the token) and verifies the
// signature over the raw bytes.
func (a *BaseAuth) verifyRS256(ctx context.Context, c *jose.Compact, kid, iss, what string) (*issuerKeys, *Error) {
	ik := a.issuers.lookup(iss)
	if ik == nil {
		return nil, invalid(CodeIssuerMismatch, what+" iss is not an issuer of a configured pool")
	}
	key, err := ik.jwks.Key(ctx, kid)
	if err != nil {
		return nil, keyError(err, "Cognito JWKS")
	}
	if err := jose.VerifyRS256(key, c); err != nil {
		return nil, invalid(CodeInvalidSignature, what+": "+err.Error())
	}
	return ik, nil
}

// verifyAccess verifies a Cognito access token: RS256 with the key of the
// issuer it names (an accepted one), token_use, client_id, exp, iat, nbf,
// sub and groups.
func (a *BaseAuth) verifyAccess(ctx context.Context, raw string, now time.Time) (*verifiedAccess, *Error) {
	c, kid, e := splitRS256(raw, "access token")
	if e != nil {
		return nil, e
	}
	claims, err := decodeAccessClaims(c.Payload)
	if err != nil {
		return nil, invalid(CodeMalformedClaims, "access token payload is not a claims object of the right shape")
	}
	iss, e := a.verifyRS256(ctx, &c, kid, claims.Iss, "access token")
	if e != nil {
		return nil, e
	}
	if claims.TokenUse != "access" {
		return nil, invalid(CodeTokenUse, "access token token_use is not access")
	}
	if len(a.cfg.clientIDs) > 0 && !slices.Contains(a.cfg.clientIDs, claims.ClientID) {
		return nil, invalid(CodeClientMismatch, "access token client_id is not a configured client")
	}
	exp, e := a.checkExp(claims.Exp, now, "access token")
	if e != nil {
		return nil, e
	}
	if e := a.checkIssuedAt(claims.Iat, now, "access token"); e != nil {
		return nil, e
	}
	if e := a.checkNotBefore(claims.Nbf, now, "access token"); e != nil {
		return nil, e
	}
	if claims.Sub == "" {
		return nil, invalid(CodeMissingSub, "access token has no sub")
	}
	if !claims.GroupsOK {
		return nil, invalid(CodeInvalidGroups, "cognito:groups is not an array of strings")
	}
	return &verifiedAccess{claims: claims, payload: string(c.Payload), groups: claims.Groups, exp: exp, iss: iss}, nil
}

// checkExp checks a required exp against now with leeway.
func (a *BaseAuth) checkExp(d jose.Date, now time.Time, what string) (int64, *Error) {
	exp, err := d.Unix, d.Err
	switch {
	case errors.Is(err, jose.ErrDateMissing):
		return 0, invalid(CodeMissingExp, what+" has no exp")
	case err != nil:
		return 0, invalid(CodeInvalidExp, what+" exp is not a number")
	}
	if !now.Before(time.Unix(exp, 0).Add(a.cfg.leeway)) {
		return 0, newError(ErrExpiredToken, CodeTokenExpired, what+" has expired")
	}
	return exp, nil
}

// checkIssuedAt checks an optional iat: a number, not later than now plus
// the leeway.
func (a *BaseAuth) checkIssuedAt(d jose.Date, now time.Time, what string) *Error {
	switch {
	case errors.Is(d.Err, jose.ErrDateMissing):
		return nil
	case d.Err != nil:
		return invalid(CodeInvalidIat, what+" iat is not a number")
	case time.Unix(d.Unix, 0).After(now.Add(a.cfg.leeway)):
		return invalid(CodeIssuedInFuture, what+" iat is in the future")
	}
	return nil
}

// checkNotBefore checks an optional nbf: a number, not later than now plus
// the leeway (the token is not valid yet).
func (a *BaseAuth) checkNotBefore(d jose.Date, now time.Time, what string) *Error {
	switch {
	case errors.Is(d.Err, jose.ErrDateMissing):
		return nil
	case d.Err != nil:
		return invalid(CodeInvalidNbf, what+" nbf is not a number")
	case time.Unix(d.Unix, 0).After(now.Add(a.cfg.leeway)):
		return invalid(CodeNotYetValid, what+" is not valid yet (nbf is in the future)")
	}
	return nil
}

// keyError maps a key source failure to a coded error. Only a key server
// that failed is an outage (503); an unknown kid, a throttled fetch of one
// (the rate limits protect everyone else) and a key of the wrong type make
// that token invalid (401).
func keyError(err error, what string) *Error {
	switch {
	case errors.Is(err, keys.ErrUnknownKid):
		return invalid(CodeUnknownKid, what+": no key with that kid")
	case errors.Is(err, keys.ErrThrottled):
		return invalid(CodeUnknownKid, what+": kid not cached and its fetch was refused by the unknown-kid rate limit")
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
