package core

import (
	"errors"
	"fmt"
	"strings"
	"time"

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

// expected is what a failed comparison compared the token's value with:
// label names it ("configured", "now", "access token sub", "required"),
// value is it, and hint says how the two differ or what to change.
type expected struct{ label, value, hint string }

// mismatch records a comparison that failed — got, the token's value, is
// not what the configuration (or the clock, or another token) expects —
// and returns its error. want is called only when recording, so the
// normal path builds no explanation.
func (c steps) mismatch(tok, check, got string, e *Error, want func() expected) *Error {
	if c.rec != nil {
		w := want()
		c.rec.Step(trace.Step{Token: tok, Check: check, Value: got, Want: w.value, WantLabel: w.label, Hint: w.hint, Failed: string(e.Code)})
	}
	return e
}

// note records a line of the explanation that neither passes nor fails.
func (c steps) note(tok, check, value string) {
	if c.rec != nil {
		c.rec.Step(trace.Step{Token: tok, Check: check, Value: value, Note: true})
	}
}

// notApplied records, when the route has rules, why stage 2 does not
// apply.
func (c steps) notApplied(routeRules []Rule, why string) {
	if c.rec != nil && len(routeRules) > 0 {
		c.rec.Step(trace.Step{Token: trace.StageRoute, Check: "rules", Value: "not evaluated: " + why, Note: true})
	}
}

// rule records an authorisation rule's result for u: what it requires,
// what u has for it, and whether it admits u.
func (c steps) rule(stage, name string, r Rule, u *User, ok bool) {
	if c.rec != nil {
		requires, has := describeRule(r, u)
		c.ruleDescribed(stage, name, requires, has, ok)
	}
}

// ruleDescribed records a rule's result, already described.
func (c steps) ruleDescribed(stage, name, requires, has string, ok bool) {
	if c.rec != nil {
		c.rec.Step(trace.Step{Token: stage, Check: name, Rule: requires, Has: has, Matched: ok, Note: true})
	}
}

// timeStep records a time check; e is nil when it passed. A check that
// failed on the time itself (expired, issued or valid in the future) shows
// now and the leeway next to the token's time.
func (c steps) timeStep(what, check string, d jose.Date, e *Error, now time.Time, leeway time.Duration) *Error {
	if c.rec != nil {
		tok, _, header := strings.Cut(what, " header")
		claim := check
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
			if d.Err == nil {
				s.WantLabel, s.Want, s.Hint = "now", now.UTC().Format(utcLayout)+", leeway "+leeway.String(), timeHint(claim, d.Unix-now.Unix(), leeway)
			}
		}
		c.rec.Step(s)
	}
	return e
}

// utcLayout is how the explanation shows instants.
const utcLayout = "2006-01-02 15:04:05 UTC"

// timeHint says how far a refused time is from now, beyond the leeway.
func timeHint(claim string, secs int64, leeway time.Duration) string {
	lw := int64(leeway / time.Second)
	if claim == "exp" {
		return fmt.Sprintf("expired %s before now, %s beyond the leeway", span(-secs), span(-secs-lw))
	}
	return fmt.Sprintf("%s is %s after now, %s beyond the leeway (is this host's clock, or the issuer's, off?)", claim, span(secs), span(secs-lw))
}

// span formats a number of seconds as a duration (a Duration saturates at
// about 292 years, and the negation of the least int64 overflows).
func span(secs int64) string {
	if secs < 0 {
		secs = -secs
	}
	if secs < 0 || secs > 100*365*24*3600 {
		return fmt.Sprintf("%d days", uint64(secs)/(24*3600)) //nolint:gosec // G115: secs is non-negative, or the least int64 whose magnitude uint64 holds
	}
	return (time.Duration(secs) * time.Second).String()
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
