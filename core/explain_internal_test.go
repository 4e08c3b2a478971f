package core

// Tests of what the explanation says about rules and mismatches, for the
// cases the explain command's transcripts do not reach.

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"
)

func TestDescribeRule(t *testing.T) {
	users, _ := AllowUsers("alice@example.com")
	domains, _ := AllowDomains("example.com")
	alice := &User{Email: "alice@example.com", EmailVerified: true, Groups: []string{"staff"}, ClientID: "web", Scopes: []string{"orders/read"}}
	unverified := &User{Email: "bob@example.org"}
	machine := &User{Machine: true, ClientID: "worker"}
	tests := []struct {
		rule          Rule
		u             *User
		requires, has string
	}{
		{AllowGroups("b", "a"), alice, "groups any of [a b]", "user has [staff]"},
		{AllowGroups("a"), machine, "groups any of [a]", "machine client has no groups"},
		{users, alice, "verified email one of 1 addresses", "user has alice@example.com (verified)"},
		{users, unverified, "verified email one of 1 addresses", "user has bob@example.org (not verified: email rules never match it)"},
		{users, machine, "verified email one of 1 addresses", "machine client has no email"},
		{domains, alice, "verified email domain any of [example.com]", "user has example.com (verified)"},
		{domains, &User{Email: "no-at-sign"}, "verified email domain any of [example.com]", "user has no-at-sign (not verified: email rules never match it)"},
		{AllowClients("web"), alice, "app client any of [web]", "token has client web"},
		{AllowClients("web"), &User{}, "app client any of [web]", "token has no client"},
		{RequireScopes("orders/read", "orders/write"), alice, "scopes all of [orders/read orders/write]", "token has scopes [orders/read]"},
		{AllowScopes("orders/write"), alice, "scopes any of [orders/write]", "token has scopes [orders/read]"},
		{
			AnyOf(AllowGroups("admins"), AllowGroups("ops"), RequireScopes("x")), alice,
			"any of {groups any of [admins]; groups any of [ops]; scopes all of [x]}", "user has [staff]; token has scopes [orders/read]",
		},
		{AllOf(), alice, "all of {}", ""},
		{RequireRecentSignIn(time.Hour), alice, "signed in within 1h0m0s", "token has no auth_time"},
		{RuleFunc(func(context.Context, *User) bool { return true }), alice, "custom rule core.RuleFunc", ""},
		{nil, alice, "custom rule <nil>", ""},
	}
	for _, tc := range tests {
		requires, has := describeRule(tc.rule, tc.u)
		if requires != tc.requires || has != tc.has {
			t.Errorf("describeRule(%T) = %q, %q; want %q, %q", tc.rule, requires, has, tc.requires, tc.has)
		}
	}
}

// TestDescribeRecentSignIn: the rule says when the user signed in.
func TestDescribeRecentSignIn(t *testing.T) {
	_, has := describeRule(RequireRecentSignIn(time.Hour), &User{AuthTime: time.Now().Add(-2 * time.Hour)})
	if !strings.HasPrefix(has, "user signed in 2h0m") || !strings.HasSuffix(has, "s ago") {
		t.Errorf("has %q", has)
	}
}

// TestScopeRules: RequireScopes and AllowScopes decide as they did as
// functions.
func TestScopeRules(t *testing.T) {
	u := &User{Scopes: []string{"a", "b"}}
	for _, tc := range []struct {
		rule Rule
		want bool
	}{
		{RequireScopes(), true},
		{RequireScopes("a", "b"), true},
		{RequireScopes("a", "c"), false},
		{AllowScopes(), false},
		{AllowScopes("c", "b"), true},
		{AllowScopes("c"), false},
	} {
		if got := tc.rule.Allows(context.Background(), u); got != tc.want {
			t.Errorf("%#v: %v, want %v", tc.rule, got, tc.want)
		}
	}
}

// TestMismatchHints: what differs is named for signers, issuers and
// clients, and nothing panics on values a token can carry.
func TestMismatchHints(t *testing.T) {
	c := defaultVerifierConfig()
	c.userPoolIDs = []string{"eu-west-2_Pool1"}
	c.replicaRegions = []string{"eu-west-3"}
	c.clientIDs = []string{"webclient"}
	c.machineClientIDs = []string{"worker"}
	c.albARNs = []string{"arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/web/0123456789abcdef"}
	c.derive()
	tests := []struct {
		hint, want string
	}{
		{c.wantSigner("arn:aws:elasticloadbalancing:eu-west-2:999999999999:loadbalancer/app/web/0123456789abcdef").hint, "another AWS account: 999999999999"},
		{c.wantSigner("arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/web/ffff").hint, "same name in the same account and region"},
		{c.wantSigner("not an arn").hint, "not an application load balancer ARN"},
		{c.wantIssuer("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-2_Pool1").hint, "add eu-west-1 to COGNITO_AUTH_REPLICA_REGIONS"},
		{c.wantIssuer("https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-2_Pool1").hint, "names the pool's own region (eu-west-2)"},
		{c.wantIssuer("https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_pool1").hint, "in case only"},
		{c.wantIssuer("http://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Pool1").hint, "http, not https"},
		{c.wantIssuer("https://evil.example/eu-west-2_Pool1").hint, "not a Cognito user pool issuer"},
		{c.wantIssuer("").hint, "not a Cognito user pool issuer"},
		{c.wantIssuer("https://cognito-idp.eu-west-2.amazonaws.com.cn/eu-west-2_Pool1").hint, "not an accepted issuer of pool eu-west-2_Pool1"},
		{c.wantClient("worker").hint, "worker is a machine client"},
		{c.wantClient("WebClient").hint, "in case only"},
		{c.wantIssuer("x").value, "pools eu-west-2_Pool1 (COGNITO_AUTH_USER_POOL_ID), issuers https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Pool1, "},
	}
	for i, tc := range tests {
		if !strings.Contains(tc.hint, tc.want) {
			t.Errorf("%d: %q lacks %q", i, tc.hint, tc.want)
		}
	}
	if got := (&verifierConfig{}).wantSigner("arn:aws:elasticloadbalancing:a:b:c").value; got != "none (COGNITO_AUTH_ALB_ARN is not set)" {
		t.Errorf("no ALB configured: %q", got)
	}
}

// TestTimeHintExtremes: times at the ends of int64 neither panic nor wrap
// into nonsense durations.
func TestTimeHintExtremes(t *testing.T) {
	for _, secs := range []int64{math.MinInt64, math.MaxInt64, -1, 0, 1} {
		for _, claim := range []string{"exp", "iat", "nbf"} {
			if h := timeHint(claim, secs, 30*time.Second); h == "" {
				t.Errorf("timeHint(%s, %d) is empty", claim, secs)
			}
		}
	}
	if got := span(math.MinInt64); got != "106751991167300 days" {
		t.Errorf("span(MinInt64) = %q", got)
	}
}
