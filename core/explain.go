package core

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
	"github.com/cognitoauth/cognito-auth-go/core/internal/trace"
)

// This file says, for the explain command's recorder (internal/trace), what
// each rule requires and what the user has, and what the configuration
// expects where a token's value does not match it; steps.go records the
// checks. Nothing here runs outside an explanation.

// explainPolicy records stage 1, the app-wide policy, rule by rule (every
// rule is evaluated, none short-circuits). The decision itself is still
// the Decider's, recorded by authorise.
func (a *BaseAuth) explainPolicy(ctx context.Context, u *User) {
	st := a.cfg.steps
	var auth *Authoriser
	switch d := a.decider.(type) {
	case *Authoriser:
		auth = d
	case *PolicyWatcher:
		if auth = d.current.Load(); auth == nil {
			st.note(trace.StagePolicy, "source", "no policy has loaded from "+d.src.Name())
		} else {
			st.note(trace.StagePolicy, "source", d.src.Name())
		}
	default:
		st.note(trace.StagePolicy, "decider", fmt.Sprintf("custom Decider %T (its rules are not listed)", d))
	}
	if auth != nil {
		auth.explain(ctx, u, st)
	}
}

// explain records every rule of the policy for u.
func (a *Authoriser) explain(ctx context.Context, u *User, st steps) {
	n := len(a.rules) + len(a.adminGroups) + len(a.adminUsers)
	if a.groups == nil && a.users == nil && a.domains == nil && n == 0 {
		st.note(trace.StagePolicy, "rules", "none: every authenticated user passes")
		return
	}
	mode := "any rule admits (require_all false)"
	if a.requireAll {
		mode = "every rule must admit (require_all true)"
	}
	st.note(trace.StagePolicy, "mode", mode+"; app admins pass every rule")
	if len(a.adminGroups) > 0 {
		st.ruleDescribed(trace.StagePolicy, "admin_groups", groupsRequired(a.adminGroups), hasGroups(u), inAnyGroup(u, a.adminGroups))
	}
	if len(a.adminUsers) > 0 {
		st.ruleDescribed(trace.StagePolicy, "admin_users", emailsRequired(a.adminUsers), hasEmail(u), emailIn(u, a.adminUsers))
	}
	if a.groups != nil {
		st.ruleDescribed(trace.StagePolicy, "allowed_groups", groupsRequired(a.groups), hasGroups(u), inAnyGroup(u, a.groups))
	}
	if a.users != nil {
		st.ruleDescribed(trace.StagePolicy, "allowed_users", emailsRequired(a.users), hasEmail(u), emailIn(u, a.users))
	}
	if a.domains != nil {
		st.ruleDescribed(trace.StagePolicy, "allowed_domains", domainsRequired(a.domains), hasDomain(u), domainIn(u, a.domains))
	}
	for i, r := range a.rules {
		st.rule(trace.StagePolicy, fmt.Sprintf("custom rule #%d", i+1), r, u, r.Allows(ctx, u))
	}
}

// describeRule says what r requires and what u has for it.
func describeRule(r Rule, u *User) (requires, has string) {
	switch r := r.(type) {
	case groupRule:
		return groupsRequired(r.set), hasGroups(u)
	case emailRule:
		return emailsRequired(r.set), hasEmail(u)
	case domainRule:
		return domainsRequired(r.set), hasDomain(u)
	case clientRule:
		client := "no client"
		if u.ClientID != "" {
			client = "client " + u.ClientID
		}
		return "app client any of " + fmt.Sprint(sortedSet(r.set)), "token has " + client
	case scopeRule:
		of := "any of"
		if r.all {
			of = "all of"
		}
		return "scopes " + of + " " + fmt.Sprint(r.want), "token has scopes " + fmt.Sprint(u.Scopes)
	case recentSignIn:
		if u.AuthTime.IsZero() {
			return "signed in within " + r.within.String(), "token has no auth_time"
		}
		return "signed in within " + r.within.String(), who(u) + " signed in " + time.Since(u.AuthTime).Round(time.Second).String() + " ago"
	case anyOf:
		return describeAll("any of", r, u)
	case allOf:
		return describeAll("all of", r, u)
	}
	return fmt.Sprintf("custom rule %T", r), ""
}

// describeAll describes AnyOf and AllOf: their rules' requirements, and
// what u has for each, once.
func describeAll(of string, rules []Rule, u *User) (requires, has string) {
	var reqs, haves []string
	for _, r := range rules {
		req, h := describeRule(r, u)
		reqs = append(reqs, req)
		if h != "" && !slices.Contains(haves, h) {
			haves = append(haves, h)
		}
	}
	return of + " {" + strings.Join(reqs, "; ") + "}", strings.Join(haves, "; ")
}

func groupsRequired(set map[string]struct{}) string {
	return "groups any of " + fmt.Sprint(sortedSet(set))
}

func emailsRequired(set map[string]struct{}) string {
	return fmt.Sprintf("verified email one of %d addresses", len(set))
}

func domainsRequired(set map[string]struct{}) string {
	return "verified email domain any of " + fmt.Sprint(sortedSet(set))
}

// who names the principal: a user or a machine client.
func who(u *User) string {
	if u.Machine {
		return "machine client"
	}
	return "user"
}

func hasGroups(u *User) string {
	if len(u.Groups) == 0 {
		return who(u) + " has no groups"
	}
	return who(u) + " has " + fmt.Sprint(u.Groups)
}

// verifiedNote says whether u's email can match an email rule.
func verifiedNote(u *User) string {
	if u.EmailVerified {
		return " (verified)"
	}
	return " (not verified: email rules never match it)"
}

func hasEmail(u *User) string {
	if u.Email == "" {
		return who(u) + " has no email"
	}
	return who(u) + " has " + u.Email + verifiedNote(u)
}

func hasDomain(u *User) string {
	at := strings.LastIndexByte(u.Email, '@')
	if at < 0 {
		return hasEmail(u)
	}
	return who(u) + " has " + u.Email[at+1:] + verifiedNote(u)
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

// What the configuration expects, next to a token's value that does not
// match it.

// configured lists values and the variable they come from.
func configured(values []string, env string) string {
	if len(values) == 0 {
		return "none (" + env + " is not set)"
	}
	return strings.Join(values, ", ") + " (" + env + ")"
}

// wantSigner is what a signer that is not a configured ALB is compared
// with: the configured ARNs, and how the closest one differs.
func (c *verifierConfig) wantSigner(got string) expected {
	w := expected{label: "configured", value: configured(c.albARNs, EnvALBARN)}
	g, ok := splitARN(got)
	if !ok {
		w.hint = "the signer is not an application load balancer ARN"
		return w
	}
	best, score := arnParts{}, -1
	for _, arn := range c.albARNs {
		if a, ok := splitARN(arn); ok {
			if s := g.common(a); s > score {
				best, score = a, s
			}
		}
	}
	switch {
	case score < 0:
	case g.account != best.account:
		w.hint = "another AWS account: " + g.account + ", where the configured ALB is in " + best.account
	case g.region != best.region:
		w.hint = "an ALB in region " + g.region + ", where the configured one is in " + best.region + " (each region's ALBs sign with that region's keys)"
	case g.name != best.name && strings.EqualFold(lbName(g.name), lbName(best.name)):
		w.hint = "another load balancer of the same name in the same account and region (" + g.name + ", where the configured one is " + best.name + "): was it re-created?"
	default:
		w.hint = "another load balancer in the same account and region: " + g.name + ", where the configured one is " + best.name
	}
	return w
}

// arnParts are the parts of an ALB ARN that tell two apart.
type arnParts struct{ region, account, name string }

// splitARN reads arn:PARTITION:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID.
func splitARN(arn string) (arnParts, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "elasticloadbalancing" {
		return arnParts{}, false
	}
	return arnParts{region: parts[3], account: parts[4], name: strings.TrimPrefix(parts[5], "loadbalancer/app/")}, true
}

// lbName is the NAME of NAME/ID.
func lbName(nameID string) string {
	name, _, _ := strings.Cut(nameID, "/")
	return name
}

// common counts the parts a and b share.
func (a arnParts) common(b arnParts) int {
	n := 0
	for _, same := range []bool{a.account == b.account, a.region == b.region, a.name == b.name} {
		if same {
			n++
		}
	}
	return n
}

// wantIssuer is what an issuer that is not accepted is compared with: the
// configured pools and their issuers, and why this one is not among them.
func (c *verifierConfig) wantIssuer(got string) expected {
	issuers := make([]string, 0, len(c.issuers))
	for _, d := range c.issuers {
		issuers = append(issuers, d.issuer)
	}
	w := expected{label: "configured", value: "pools " + configured(c.userPoolIDs, EnvUserPoolID)}
	if len(issuers) > 0 {
		w.value += ", issuers " + strings.Join(issuers, ", ")
	}
	w.hint = c.issuerHint(got, issuers)
	return w
}

// issuerHint says why got is not an accepted issuer.
func (c *verifierConfig) issuerHint(got string, issuers []string) string {
	for _, iss := range issuers {
		switch {
		case strings.HasSuffix(got, "/") && strings.TrimRight(got, "/") == iss:
			return "a trailing slash: issuers are compared exactly"
		case strings.EqualFold(got, iss):
			return "differs from " + iss + " in case only: issuers are compared exactly"
		case strings.TrimPrefix(got, "http://") == strings.TrimPrefix(iss, "https://"):
			return "http, not https: issuers are compared exactly"
		}
	}
	region, pool, updated, ok := parseIssuer(got)
	if !ok {
		return "not a Cognito user pool issuer (https://cognito-idp.REGION.amazonaws.com/POOL or https://issuer-cognito-idp.REGION.amazonaws.com/POOL)"
	}
	poolRegion, _, _ := strings.Cut(pool, "_")
	switch {
	case !slices.Contains(c.userPoolIDs, pool):
		for _, p := range c.userPoolIDs {
			if strings.EqualFold(p, pool) {
				return "pool " + pool + " differs from the configured " + p + " in case only: pool ids are case-sensitive"
			}
		}
		return "the token comes from pool " + pool + ", which is not configured: another pool, or " + EnvUserPoolID + " names the wrong one"
	case updated && region != poolRegion:
		return "an UPDATED-format issuer names the pool's own region (" + poolRegion + "), this one names " + region
	case region != poolRegion:
		return "pool " + pool + " is configured, but this token was issued in region " + region + " (a replica of the pool, ORIGINAL-format issuer): add " + region + " to " + EnvReplicaRegions
	}
	return "not an accepted issuer of pool " + pool
}

// parseIssuer reads a Cognito issuer: its region, pool and format.
func parseIssuer(iss string) (region, pool string, updated, ok bool) {
	u, err := url.Parse(iss)
	if err != nil || u.Scheme != "https" {
		return "", "", false, false
	}
	host := strings.TrimSuffix(strings.TrimSuffix(u.Host, ".amazonaws.com"), ".amazonaws.com.cn")
	switch {
	case strings.HasPrefix(host, "issuer-cognito-idp."):
		region, updated = strings.TrimPrefix(host, "issuer-cognito-idp."), true
	case strings.HasPrefix(host, "cognito-idp."):
		region = strings.TrimPrefix(host, "cognito-idp.")
	default:
		return "", "", false, false
	}
	pool = strings.TrimPrefix(u.Path, "/")
	if !awsurl.IsRegion(region) || !rePool.MatchString(pool) {
		return "", "", false, false
	}
	return region, pool, updated, true
}

// wantClient is what a user's token's app client that is not configured is
// compared with.
func (c *verifierConfig) wantClient(got string) expected {
	w := expected{label: "configured", value: configured(c.clientIDs, EnvClientID)}
	switch {
	case slices.Contains(c.machineClientIDs, got):
		w.hint = got + " is a machine client (" + EnvMachineClientIDs + "), not an app client of users"
	default:
		w.hint = "another app client of the pool: add it to " + EnvClientID + " if the app should accept it"
		for _, id := range c.clientIDs {
			if strings.EqualFold(id, got) {
				w.hint = "differs from " + id + " in case only: client ids are case-sensitive"
			}
		}
	}
	return w
}

// wantMachineClient is what a client-credentials token's client that is not
// an accepted machine client is compared with.
func (c *verifierConfig) wantMachineClient() expected {
	return expected{
		label: "configured", value: "machine clients " + configured(c.machineClientIDs, EnvMachineClientIDs),
		hint: "a client-credentials token (sub is its client id): add the client to " + EnvMachineClientIDs + " to accept it as a machine principal",
	}
}

// wantTokenUse is what an access token's token_use is compared with.
func wantTokenUse(got string) func() expected {
	return func() expected {
		w := expected{label: "required", value: "access"}
		if got == "id" {
			w.hint = "an ID token was sent where the access token belongs (x-amzn-oidc-accesstoken, Authorization: Bearer)"
		}
		return w
	}
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
