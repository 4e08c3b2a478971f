package core

import (
	"errors"
	"fmt"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/jose"
)

// Limits on claim values.
const (
	maxKidLen     = 128
	maxGroups     = 1000
	maxGroupBytes = 256
)

// tokenClaims are the claims of a token: the ALB's data token, the access
// token (from the ALB header or a bearer) and the ID token share one
// decoder; the Cognito-signed ones also share one check of the registered
// claims (checkRegistered). Claims not listed here are kept only in the raw
// payload.
type tokenClaims struct {
	Iss, TokenUse, ClientID     string
	Sub, Username, Scope        string
	CognitoUsername             string // ID tokens: cognito:username
	Aud                         []string
	Email                       string
	EmailVerified               bool
	Name, GivenName, FamilyName string
	Nonce                       string
	Groups                      []string
	GroupsOK                    bool
	Exp, Iat, Nbf               jose.Date
	AuthTime                    jose.Date
}

func decodeTokenClaims(b []byte) (tokenClaims, error) {
	c := tokenClaims{Exp: jose.MissingDate, Iat: jose.MissingDate, Nbf: jose.MissingDate, AuthTime: jose.MissingDate, GroupsOK: true}
	err := jose.DecodeObject(b, func(k string, v *jose.Value) error {
		var err error
		switch k {
		case "iss":
			c.Iss, err = jose.String(v)
		case "token_use":
			c.TokenUse, err = jose.String(v)
		case "client_id":
			c.ClientID, err = jose.String(v)
		case "aud":
			c.Aud, err = audience(v)
		case "sub":
			c.Sub, err = jose.String(v)
		case "username":
			c.Username, err = jose.String(v)
		case "cognito:username":
			c.CognitoUsername, err = jose.String(v)
		case "scope":
			c.Scope, err = jose.String(v)
		case "email":
			c.Email, err = jose.String(v)
		case "email_verified":
			c.EmailVerified = jose.IsTrue(v)
		case "name":
			c.Name, err = jose.String(v)
		case "given_name":
			c.GivenName, err = jose.String(v)
		case "family_name":
			c.FamilyName, err = jose.String(v)
		case "nonce":
			c.Nonce, err = jose.String(v)
		case "cognito:groups":
			c.Groups, c.GroupsOK = jose.Strings(v, maxGroups, maxGroupBytes)
		case "exp":
			c.Exp = jose.NumericDate(v)
		case "iat":
			c.Iat = jose.NumericDate(v)
		case "auth_time":
			c.AuthTime = jose.NumericDate(v)
		case "nbf":
			c.Nbf = jose.NumericDate(v)
		}
		return err
	})
	return c, err
}

// audience reads aud: one string or an array of strings.
func audience(v *jose.Value) ([]string, error) {
	if s, err := jose.String(v); err == nil {
		if s == "" {
			return nil, nil
		}
		return []string{s}, nil
	}
	list, ok := jose.Strings(v, 16, 256)
	if !ok {
		return nil, jose.ErrType
	}
	return list, nil
}

// checkRegistered checks the claims every Cognito-signed token must get
// right: exp required and in the future, iat and nbf (when present) not in
// the future, a sub, and groups (when present) an array of strings. It
// returns exp.
func (v *Verifier) checkRegistered(c *tokenClaims, now time.Time, what string) (int64, *Error) {
	exp, e := v.checkExp(c.Exp, now, what)
	if e != nil {
		return 0, e
	}
	if e := v.checkIssuedAt(c.Iat, now, what); e != nil {
		return 0, e
	}
	if e := v.checkNotBefore(c.Nbf, now, what); e != nil {
		return 0, e
	}
	cfg := v.cfg
	if c.Sub == "" {
		return 0, cfg.steps.fail(what, "sub", "", invalid(CodeMissingSub, what+" has no sub"))
	}
	cfg.steps.pass(what, "sub", c.Sub)
	if !c.GroupsOK {
		return 0, cfg.steps.fail(what, "cognito:groups", "", invalid(CodeInvalidGroups, "cognito:groups is not an array of strings"))
	}
	if cfg.steps.on() {
		cfg.steps.pass(what, "cognito:groups", fmt.Sprint(c.Groups))
	}
	return exp, nil
}

// checkExp checks a required exp against now with leeway.
func (v *Verifier) checkExp(d jose.Date, now time.Time, what string) (int64, *Error) {
	exp, err := d.Unix, d.Err
	switch {
	case errors.Is(err, jose.ErrDateMissing):
		return 0, v.cfg.steps.timeStep(what, "exp", d, invalid(CodeMissingExp, what+" has no exp"), now, v.cfg.leeway)
	case err != nil:
		return 0, v.cfg.steps.timeStep(what, "exp", d, invalid(CodeInvalidExp, what+" exp is not a number"), now, v.cfg.leeway)
	}
	if !now.Before(time.Unix(exp, 0).Add(v.cfg.leeway)) {
		return 0, v.cfg.steps.timeStep(what, "exp", d, newError(ErrExpiredToken, CodeTokenExpired, what+" has expired"), now, v.cfg.leeway)
	}
	_ = v.cfg.steps.timeStep(what, "exp", d, nil, now, v.cfg.leeway)
	return exp, nil
}

// checkIssuedAt checks an optional iat: a number, not later than now plus
// the leeway.
func (v *Verifier) checkIssuedAt(d jose.Date, now time.Time, what string) *Error {
	return v.checkNotLater(d, now, what, "iat", CodeInvalidIat, CodeIssuedInFuture, "iat is in the future")
}

// checkNotBefore checks an optional nbf: a number, not later than now plus
// the leeway (the token is not valid yet).
func (v *Verifier) checkNotBefore(d jose.Date, now time.Time, what string) *Error {
	return v.checkNotLater(d, now, what, "nbf", CodeInvalidNbf, CodeNotYetValid, "is not valid yet (nbf is in the future)")
}

// checkNotLater checks an optional date claim that must be a number no
// later than now plus the leeway; the errors are built only on failure.
func (v *Verifier) checkNotLater(d jose.Date, now time.Time, what, claim string, notNumber, later Code, laterDetail string) *Error {
	switch {
	case errors.Is(d.Err, jose.ErrDateMissing):
		return v.cfg.steps.timeStep(what, claim, d, nil, now, v.cfg.leeway)
	case d.Err != nil:
		return v.cfg.steps.timeStep(what, claim, d, invalid(notNumber, what+" "+claim+" is not a number"), now, v.cfg.leeway)
	case time.Unix(d.Unix, 0).After(now.Add(v.cfg.leeway)):
		return v.cfg.steps.timeStep(what, claim, d, invalid(later, what+" "+laterDetail), now, v.cfg.leeway)
	}
	return v.cfg.steps.timeStep(what, claim, d, nil, now, v.cfg.leeway)
}
