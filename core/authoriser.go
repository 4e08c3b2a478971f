package core

import (
	"context"
)

// Decision is the outcome of an authorisation check.
type Decision struct {
	// Allowed reports whether the user may come in.
	Allowed bool
	// AppAdmin reports whether the user is an app admin of the policy.
	AppAdmin bool
}

// Decider decides whether a verified user may come in. *Authoriser and
// *PolicyWatcher implement it. An error means no decision could be made
// (for example, a policy that never loaded) and the request is refused.
type Decider interface {
	Decide(ctx context.Context, u *User) (Decision, error)
}

// Authoriser applies a policy: allowed groups, users and domains combined
// with any (OR) or all (AND), admin groups and users who pass every rule,
// and custom rules. It is immutable and safe for concurrent use. An
// Authoriser with no rules allows every authenticated user.
type Authoriser struct {
	rules       []Rule // built-in rules first, then custom rules
	requireAll  bool
	adminGroups map[string]struct{}
	adminUsers  map[string]struct{}
	// Built-in rule sets, checked inline (no interface calls, no allocations).
	groups, users, domains map[string]struct{}
}

// NewAuthoriser builds an Authoriser from a policy written in code (the
// Python package's from_lists), plus custom rules that join the any/all
// combination. Unlike ParsePolicy, an empty policy is allowed and admits every
// authenticated user.
func NewAuthoriser(p Policy, custom ...Rule) (*Authoriser, error) {
	if err := p.Validate(); err != nil {
		return nil, newError(ErrConfig, CodeInvalidConfig, err.Error())
	}
	a := &Authoriser{requireAll: p.RequireAll, rules: append([]Rule(nil), custom...)}
	a.adminGroups = toSet(p.AdminGroups)
	a.adminUsers, _ = emailSet("admin_users", p.AdminUsers)
	if len(p.AllowedGroups) > 0 {
		a.groups = toSet(p.AllowedGroups)
	}
	if len(p.AllowedUsers) > 0 {
		a.users, _ = emailSet("allowed_users", p.AllowedUsers)
	}
	if len(p.AllowedDomains) > 0 {
		a.domains, _ = domainSet(p.AllowedDomains)
	}
	return a, nil
}

// Decide applies the policy to u. It never returns an error.
func (a *Authoriser) Decide(ctx context.Context, u *User) (Decision, error) {
	if u == nil {
		return Decision{}, nil
	}
	if inAnyGroup(u, a.adminGroups) || emailIn(u, a.adminUsers) {
		return Decision{Allowed: true, AppAdmin: true}, nil
	}
	// Admin sets count as rules: a policy naming only admins admits only them.
	n := len(a.rules) + len(a.adminGroups) + len(a.adminUsers)
	if a.groups != nil {
		n++
		if r := inAnyGroup(u, a.groups); r != a.requireAll {
			return Decision{Allowed: r}, nil
		}
	}
	if a.users != nil {
		n++
		if r := emailIn(u, a.users); r != a.requireAll {
			return Decision{Allowed: r}, nil
		}
	}
	if a.domains != nil {
		n++
		if r := domainIn(u, a.domains); r != a.requireAll {
			return Decision{Allowed: r}, nil
		}
	}
	for _, rule := range a.rules {
		if r := rule.Allows(ctx, u); r != a.requireAll {
			return Decision{Allowed: r}, nil
		}
	}
	// No rule settled it: with require_all every allow rule passed (if there
	// was one); without it no rule passed, unless there were no rules at all.
	if a.requireAll {
		return Decision{Allowed: a.groups != nil || a.users != nil || a.domains != nil || len(a.rules) > 0 || n == 0}, nil
	}
	return Decision{Allowed: n == 0}, nil
}
