package core

import (
	"context"
)

// Rule is one authorisation condition on a verified user. Implementations
// must be safe for concurrent use and must not modify the user.
type Rule interface {
	Allows(ctx context.Context, u *User) bool
}

// RuleFunc adapts a function to Rule.
type RuleFunc func(ctx context.Context, u *User) bool

// Allows calls f.
func (f RuleFunc) Allows(ctx context.Context, u *User) bool { return f(ctx, u) }

// groupRule allows members of any of a set of groups.
type groupRule struct{ set map[string]struct{} }

func (r groupRule) Allows(_ context.Context, u *User) bool { return inAnyGroup(u, r.set) }

// AllowGroups allows users in at least one of the groups (exact,
// case-sensitive, like Cognito group names).
func AllowGroups(groups ...string) Rule { return groupRule{set: toSet(groups)} }

// emailRule allows users whose verified email is in the set.
type emailRule struct{ set map[string]struct{} }

func (r emailRule) Allows(_ context.Context, u *User) bool { return emailIn(u, r.set) }

// AllowUsers allows users by email: exact, case-insensitive for ASCII, and
// only for verified emails. Emails that are not plain ASCII never match, so
// look-alike characters (fullwidth, Cyrillic, zero-width) cannot pass. It
// returns an error for an invalid address.
func AllowUsers(emails ...string) (Rule, error) {
	set, err := emailSet("AllowUsers", emails)
	if err != nil {
		return nil, err
	}
	return emailRule{set: set}, nil
}

// domainRule allows users whose verified email is in one of the domains.
type domainRule struct{ set map[string]struct{} }

func (r domainRule) Allows(_ context.Context, u *User) bool { return domainIn(u, r.set) }

// AllowDomains allows users whose verified email address is in one of the
// domains (exact match of the part after '@'; subdomains do not match). It
// returns an error for an invalid domain.
func AllowDomains(domains ...string) (Rule, error) {
	set, err := domainSet(domains)
	if err != nil {
		return nil, err
	}
	return domainRule{set: set}, nil
}

// clientRule allows callers of a set of app clients.
type clientRule struct{ set map[string]struct{} }

func (r clientRule) Allows(_ context.Context, u *User) bool {
	_, ok := r.set[u.ClientID]
	return ok && u.ClientID != ""
}

// AllowClients allows callers whose access token was issued to one of the
// app clients: for a machine principal, the machine client itself.
func AllowClients(ids ...string) Rule { return clientRule{set: toSet(ids)} }

// AnyOf allows a user when any rule does. With no rules it allows nobody.
func AnyOf(rules ...Rule) Rule { return anyOf(append([]Rule(nil), rules...)) }

// anyOf allows a user when any of its rules does.
type anyOf []Rule

func (rs anyOf) Allows(ctx context.Context, u *User) bool {
	for _, r := range rs {
		if r.Allows(ctx, u) {
			return true
		}
	}
	return false
}

// AllOf allows a user when every rule does. With no rules it allows everyone.
func AllOf(rules ...Rule) Rule { return allOf(append([]Rule(nil), rules...)) }

// allOf allows a user when every one of its rules does.
type allOf []Rule

func (rs allOf) Allows(ctx context.Context, u *User) bool {
	for _, r := range rs {
		if !r.Allows(ctx, u) {
			return false
		}
	}
	return true
}

func toSet(items []string) map[string]struct{} {
	m := make(map[string]struct{}, len(items))
	for _, s := range items {
		m[s] = struct{}{}
	}
	return m
}

func inAnyGroup(u *User, set map[string]struct{}) bool {
	if len(set) == 0 {
		return false
	}
	for _, g := range u.Groups {
		if _, ok := set[g]; ok {
			return true
		}
	}
	return false
}

// maxEmailLen is the longest address RFC 5321 allows.
const maxEmailLen = 254

// emailIn reports whether the user's verified email, lower-cased, is in set.
// It does not allocate.
func emailIn(u *User, set map[string]struct{}) bool {
	if len(set) == 0 || !u.EmailVerified || len(u.Email) > maxEmailLen {
		return false
	}
	var buf [maxEmailLen]byte
	n, ok := lowerASCII(&buf, u.Email)
	if !ok {
		return false
	}
	_, hit := set[string(buf[:n])]
	return hit
}

// domainIn reports whether the verified email's domain is in set.
func domainIn(u *User, set map[string]struct{}) bool {
	if len(set) == 0 || !u.EmailVerified || len(u.Email) > maxEmailLen {
		return false
	}
	at := lastAt(u.Email)
	if at < 1 {
		return false
	}
	var buf [maxEmailLen]byte
	n, ok := lowerASCII(&buf, u.Email[at+1:])
	if !ok {
		return false
	}
	_, hit := set[string(buf[:n])]
	return hit
}

func lastAt(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '@' {
			return i
		}
	}
	return -1
}

// lowerASCII writes s lower-cased into buf. It fails for anything but
// printable ASCII without spaces, so Unicode look-alikes and invisible
// characters never match an ASCII rule.
func lowerASCII(buf *[maxEmailLen]byte, s string) (int, bool) {
	if len(s) > len(buf) {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f {
			return 0, false
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return len(s), true
}

// RequireScopes allows callers whose access token has every one of the
// scopes, e.g. RequireScopes("orders/read") for a machine-to-machine client
// (client-credentials tokens carry scopes, not groups).
func RequireScopes(scopes ...string) Rule {
	return scopeRule{want: append([]string(nil), scopes...), all: true}
}

// AllowScopes allows callers whose access token has at least one of the scopes.
func AllowScopes(scopes ...string) Rule {
	return scopeRule{want: append([]string(nil), scopes...)}
}

// scopeRule allows callers with every scope of want (all), or with at least
// one of them.
type scopeRule struct {
	want []string
	all  bool
}

func (r scopeRule) Allows(_ context.Context, u *User) bool {
	for _, s := range r.want {
		if u.HasScope(s) != r.all {
			return !r.all
		}
	}
	return r.all
}
