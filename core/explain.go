package core

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/cognitoauth/cognito-auth-go/core/internal/trace"
)

// This file records the authorisation, rule by rule, for the explain
// command's recorder (internal/trace); steps.go records the verification's
// checks.

// explainPolicy records the authorisation of u rule by rule: the
// app-wide policy (every rule is evaluated, none short-circuits), then the
// per-route rules. The decision itself is still the Decider's.
func (a *BaseAuth) explainPolicy(ctx context.Context, u *User, routeRules []Rule) {
	t := a.cfg.steps.rec
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

// asError returns err's *Error, or one of code invalid_config for a
// Decider that returned an uncoded error.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return newError(ErrConfig, CodeInvalidConfig, err.Error())
}
