package core

import (
	"errors"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core/internal/jose"
	"github.com/cognitoauth/cognito-auth-go/core/internal/trace"
)

// This file reports each verification check to the explain command's
// recorder (internal/trace). Without one (always, outside that command)
// every helper is a nil check; they are only reached on the verification
// path, never on a cache hit.

// steps records the verification's checks to the explain command's
// recorder; the zero value records nothing.
type steps struct{ rec trace.Recorder }

// on reports whether checks are being recorded.
func (c steps) on() bool { return c.rec != nil }

// pass records a check that passed.
func (c steps) pass(tok, check, value string) {
	if c.rec != nil {
		c.rec.Step(trace.Step{Token: tok, Check: check, Value: value})
	}
}

// fail records a check that failed and returns its error.
func (c steps) fail(tok, check, value string, e *Error) *Error {
	if c.rec != nil {
		c.rec.Step(trace.Step{Token: tok, Check: check, Value: value, Failed: string(e.Code)})
	}
	return e
}

// timeStep records a time check; e is nil when it passed.
func (c steps) timeStep(what, check string, d jose.Date, e *Error) *Error {
	if c.rec != nil {
		tok, _, header := strings.Cut(what, " header")
		if header {
			check += " (JWS header)"
		}
		s := trace.Step{Token: tok, Check: check, Unix: d.Unix, HasTime: d.Err == nil}
		switch {
		case errors.Is(d.Err, jose.ErrDateMissing):
			s.Value = "absent"
		case d.Err != nil:
			s.Value = d.Err.Error()
		}
		if e != nil {
			s.Failed = string(e.Code)
		}
		c.rec.Step(s)
	}
	return e
}

// decoded records a token's decoded header and payload (never its
// signature).
func (c steps) decoded(tok string, t *jose.Compact) {
	if c.rec != nil {
		c.rec.Decoded(tok, t.Header, t.Payload)
	}
}

// emailState describes an email_verified check that passed.
func emailState(c *tokenClaims, allowUnverified bool) string {
	switch {
	case c.Email == "":
		return "no email in the token"
	case c.EmailVerified:
		return "true"
	case allowUnverified:
		return "false, allowed by " + EnvAllowUnverifiedEmail
	}
	return "false"
}
