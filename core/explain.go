package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core/internal/jose"
	"github.com/cognitoauth/cognito-auth-go/core/internal/trace"
)

// This file reports each check to the explain command's recorder
// (internal/trace). Without one (always, outside that command) every helper
// is a nil check; they are only reached on the verification path, never on
// a cache hit.

// pass records a check that passed.
func (c *config) pass(tok, check, value string) {
	if c.tracer != nil {
		c.tracer.Step(trace.Step{Token: tok, Check: check, Value: value})
	}
}

// fail records a check that failed and returns its error.
func (c *config) fail(tok, check, value string, e *Error) *Error {
	if c.tracer != nil {
		c.tracer.Step(trace.Step{Token: tok, Check: check, Value: value, Failed: string(e.Code)})
	}
	return e
}

// timeStep records a time check; e is nil when it passed.
func (c *config) timeStep(what, check string, d jose.Date, e *Error) *Error {
	if c.tracer != nil {
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
		c.tracer.Step(s)
	}
	return e
}

// decoded records a token's decoded header and payload (never its
// signature).
func (c *config) decoded(tok string, t *jose.Compact) {
	if c.tracer != nil {
		c.tracer.Decoded(tok, t.Header, t.Payload)
	}
}

// explainPolicy records the authorisation of u rule by rule: the
// app-wide policy (every rule is evaluated, none short-circuits), then the
// per-route rules. The decision itself is still the Decider's.
func (a *BaseAuth) explainPolicy(ctx context.Context, u *User, routeRules []Rule) {
	t := a.cfg.tracer
	var auth *Authoriser
	switch d := a.decider.(type) {
	case *Authoriser:
		auth = d
	case *PolicyWatcher:
		auth = d.current.Load()
		if auth == nil {
			t.Step(trace.Step{Token: "policy", Check: "loaded", Value: "no policy has loaded from " + d.src.Name()})
		}
	default:
		t.Step(trace.Step{Token: "policy", Check: "decider", Value: fmt.Sprintf("custom Decider %T (its rules are not listed)", d)})
	}
	if auth != nil {
		auth.explain(ctx, u, t)
	}
	for i, r := range routeRules {
		t.Step(trace.Step{Token: "route rule", Check: fmt.Sprintf("#%d", i+1), Value: match(r.Allows(ctx, u)).String()})
	}
}

// explain records every rule of the policy for u.
func (a *Authoriser) explain(ctx context.Context, u *User, t trace.Recorder) {
	mode := "any rule admits (require_all false)"
	if a.requireAll {
		mode = "every rule must admit (require_all true)"
	}
	n := len(a.rules) + len(a.adminGroups) + len(a.adminUsers)
	if a.groups == nil && a.users == nil && a.domains == nil && n == 0 {
		t.Step(trace.Step{Token: "policy", Check: "rules", Value: "none: every authenticated user is admitted"})
		return
	}
	t.Step(trace.Step{Token: "policy", Check: "mode", Value: mode})
	email := "email verified"
	if !u.EmailVerified {
		email = "email not verified (email rules never match)"
	}
	if len(a.adminGroups) > 0 {
		t.Step(trace.Step{Token: "policy", Check: "admin_groups", Value: fmt.Sprintf("%s %v; user groups %v", match(inAnyGroup(u, a.adminGroups)).String(), sortedSet(a.adminGroups), u.Groups)})
	}
	if len(a.adminUsers) > 0 {
		t.Step(trace.Step{Token: "policy", Check: "admin_users", Value: fmt.Sprintf("%s (%d addresses; %s)", match(emailIn(u, a.adminUsers)).String(), len(a.adminUsers), email)})
	}
	if a.groups != nil {
		t.Step(trace.Step{Token: "policy", Check: "allowed_groups", Value: fmt.Sprintf("%s %v; user groups %v", match(inAnyGroup(u, a.groups)).String(), sortedSet(a.groups), u.Groups)})
	}
	if a.users != nil {
		t.Step(trace.Step{Token: "policy", Check: "allowed_users", Value: fmt.Sprintf("%s (%d addresses; %s)", match(emailIn(u, a.users)).String(), len(a.users), email)})
	}
	if a.domains != nil {
		t.Step(trace.Step{Token: "policy", Check: "allowed_domains", Value: fmt.Sprintf("%s %v; %s", match(domainIn(u, a.domains)).String(), sortedSet(a.domains), email)})
	}
	for i, r := range a.rules {
		t.Step(trace.Step{Token: "policy", Check: fmt.Sprintf("custom rule #%d", i+1), Value: match(r.Allows(ctx, u)).String()})
	}
}

// match is a rule's result, named for the explanation.
type match bool

func (m match) String() string {
	if m {
		return "matches"
	}
	return "does not match"
}

// sortedSet lists a set's members, sorted.
func sortedSet(set map[string]struct{}) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
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

// asError returns err's *Error, or one of code invalid_config for a
// Decider that returned an uncoded error.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return newError(ErrConfig, CodeInvalidConfig, err.Error())
}
