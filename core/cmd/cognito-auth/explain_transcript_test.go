package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
)

// hasBlock reports whether the output holds the lines of block one after
// another (trailing spaces ignored), and fails the test naming the first
// line that differs when it does not.
func hasBlock(t *testing.T, out string, block ...string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.TrimRight(l, " ") != block[0] {
			continue
		}
		for j, want := range block {
			got := ""
			if i+j < len(lines) {
				got = strings.TrimRight(lines[i+j], " ")
			}
			if got != want {
				t.Errorf("line %d of the block:\n got  %q\n want %q\noutput:\n%s", j+1, got, want, out)
				return
			}
		}
		return
	}
	t.Errorf("the output lacks the line %q:\n%s", block[0], out)
}

// transcriptAt is the instant every transcript is evaluated at (-at) and
// its tokens are minted at, so the times printed are fixed.
var transcriptAt = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

const transcriptSub = "3f1c2b7a-0000-4000-8000-00000000c0de"

// TestExplainTranscripts asserts, line by line, that each refusal reads as
// its answer: a rule says what it requires and what the user has; the app
// policy and the route rules are two stages with the verdict once, at the
// end; a mismatch shows the configured value (or now, or the other token's
// value) next to the token's, with what differs.
func TestExplainTranscripts(t *testing.T) {
	iss := ct.Start(t)
	env := iss.Env()
	dir := t.TempDir()
	policy := func(name, doc string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	admins := policy("admins.json", `{"allowed_groups": ["admins"]}`)
	staff := policy("staff.json", `{"allowed_groups": ["staff"], "admin_groups": ["platform-admins"]}`)
	at := ct.At(transcriptAt.Add(-time.Minute))
	u := ct.User{Sub: transcriptSub, Email: "eve@example.com", Groups: []string{"staff", "readers"}}
	mint := func(user ct.User, opts ...ct.TokenOption) http.Header {
		return iss.Mint(user, append([]ct.TokenOption{at}, opts...)...).Header()
	}
	arn := iss.ALBARN()
	pool := iss.UserPoolID()
	configuredPool := "         configured             pools " + pool + " (COGNITO_AUTH_USER_POOL_ID), issuers " +
		awsurl.OriginalIssuer("eu-west-2", pool) + ", " + awsurl.UpdatedIssuer(pool)
	machine := with(env, core.EnvBearer, "true", core.EnvMachineClientIDs, "ordersservice1234567890")
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	tests := []struct {
		name   string
		header http.Header
		env    map[string]string
		args   []string
		code   int
		blocks [][]string
	}{
		{"a route rule refuses", mint(u), env, []string{"-route-groups", "admins"}, exitRefused, [][]string{{
			"stage 1: app policy (every route)",
			"  [note] rules                  none: every authenticated user passes",
			"  [ok  ] result                 passed",
			"stage 2: route rules (this route's own; every one must admit)",
			"  [rule] rule #1 (groups any of [admins]): user has [staff readers] — no match",
			"  [FAIL] result                 refused: rule #1 does not admit the user  => route_forbidden",
			"",
			"verdict: REFUSED - code route_forbidden (ErrForbidden)",
		}}},
		{"every route rule is shown", mint(u), env, []string{"-route-groups", "readers", "-route-scopes", "orders/read"}, exitRefused, [][]string{{
			"stage 2: route rules (this route's own; every one must admit)",
			"  [rule] rule #1 (groups any of [readers]): user has [staff readers] — matches",
			"  [rule] rule #2 (scopes all of [orders/read]): token has scopes [openid email profile] — no match",
			"  [FAIL] result                 refused: rule #2 does not admit the user  => route_forbidden",
		}}},
		{"the app policy refuses", mint(u), with(env, core.EnvConfigPath, admins), []string{"-route-groups", "staff"}, exitRefused, [][]string{{
			"stage 1: app policy (every route)",
			"  [note] source                 file " + admins,
			"  [note] mode                   any rule admits (require_all false); app admins pass every rule",
			"  [rule] allowed_groups (groups any of [admins]): user has [staff readers] — no match",
			"  [FAIL] result                 refused: the app policy does not admit the user  => forbidden",
			"stage 2: route rules (this route's own; every one must admit)",
			"  [note] rules                  not evaluated: stage 1 refused",
			"",
			"verdict: REFUSED - code forbidden (ErrForbidden)",
		}}},
		{"both stages pass", mint(u), with(env, core.EnvConfigPath, staff), []string{"-route-groups", "readers"}, exitAllowed, [][]string{{
			"stage 1: app policy (every route)",
			"  [note] source                 file " + staff,
			"  [note] mode                   any rule admits (require_all false); app admins pass every rule",
			"  [rule] admin_groups (groups any of [platform-admins]): user has [staff readers] — no match",
			"  [rule] allowed_groups (groups any of [staff]): user has [staff readers] — matches",
			"  [ok  ] result                 passed",
			"stage 2: route rules (this route's own; every one must admit)",
			"  [rule] rule #1 (groups any of [readers]): user has [staff readers] — matches",
			"  [ok  ] result                 passed",
			"",
			"verdict: ALLOWED - the app lets this request in",
		}}},
		{"an app admin", mint(ct.User{Sub: transcriptSub, Groups: []string{"platform-admins"}}), with(env, core.EnvConfigPath, staff), []string{"-route-groups", "readers"}, exitAllowed, [][]string{{
			"  [rule] admin_groups (groups any of [platform-admins]): user has [platform-admins] — matches",
			"  [rule] allowed_groups (groups any of [staff]): user has [platform-admins] — no match",
			"  [ok  ] result                 passed, as an app admin",
			"stage 2: route rules (this route's own; every one must admit)",
			"  [note] rules                  not evaluated: app admins pass every route rule",
			"",
			"verdict: ALLOWED - the app lets this request in",
		}}},
		{"signer of another load balancer", mint(u, ct.WithSigner("arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/other/50dc6c495c0c9188")), env, nil, exitRefused, [][]string{{
			"  [FAIL] signer                 arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/other/50dc6c495c0c9188  => signer_mismatch",
			"         configured             " + arn + " (COGNITO_AUTH_ALB_ARN)",
			"         hint                   another load balancer in the same account and region: other/50dc6c495c0c9188, where the configured one is cognitotest/0123456789abcdef",
			"",
			"verdict: REFUSED - code signer_mismatch (ErrInvalidToken)",
		}}},
		{"signer in another region", mint(u, ct.WithSigner("arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/cognitotest/0123456789abcdef")), env, nil, exitRefused, [][]string{{
			"  [FAIL] signer                 arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/cognitotest/0123456789abcdef  => signer_mismatch",
			"         configured             " + arn + " (COGNITO_AUTH_ALB_ARN)",
			"         hint                   an ALB in region eu-west-1, where the configured one is in eu-west-2 (each region's ALBs sign with that region's keys)",
		}}},
		{"another pool", mint(u, ct.WithIssuer(awsurl.OriginalIssuer("eu-west-2", "eu-west-2_SomeOther1"))), env, nil, exitRefused, [][]string{{
			"  [FAIL] iss (JWS header)       https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_SomeOther1  => issuer_mismatch",
			configuredPool,
			"         hint                   the token comes from pool eu-west-2_SomeOther1, which is not configured: another pool, or COGNITO_AUTH_USER_POOL_ID names the wrong one",
		}}},
		{"a replica region", mint(u, ct.WithIssuer(awsurl.OriginalIssuer("eu-west-1", pool))), env, nil, exitRefused, [][]string{{
			"  [FAIL] iss (JWS header)       https://cognito-idp.eu-west-1.amazonaws.com/" + pool + "  => issuer_mismatch",
			configuredPool,
			"         hint                   pool " + pool + " is configured, but this token was issued in region eu-west-1 (a replica of the pool, ORIGINAL-format issuer): add eu-west-1 to COGNITO_AUTH_REPLICA_REGIONS",
		}}},
		{"an issuer with a trailing slash", mint(u, ct.WithIssuer(awsurl.OriginalIssuer("eu-west-2", pool)+"/")), env, nil, exitRefused, [][]string{{
			"  [FAIL] iss (JWS header)       https://cognito-idp.eu-west-2.amazonaws.com/" + pool + "/  => issuer_mismatch",
			configuredPool,
			"         hint                   a trailing slash: issuers are compared exactly",
		}}},
		{"another app client", mint(u, ct.WithClient("someotherclient")), env, nil, exitRefused, [][]string{{
			"  [FAIL] client                 someotherclient  => client_mismatch",
			"         configured             " + iss.ClientID() + " (COGNITO_AUTH_CLIENT_ID)",
			"         hint                   another app client of the pool: add it to COGNITO_AUTH_CLIENT_ID if the app should accept it",
		}}},
		{"an ID token as the access token", mint(u, ct.WithTokenUse("id")), env, nil, exitRefused, [][]string{{
			"  [FAIL] token_use              id  => invalid_token_use",
			"         required               access",
			"         hint                   an ID token was sent where the access token belongs (x-amzn-oidc-accesstoken, Authorization: Bearer)",
		}}},
		{"expired", mint(u, ct.ExpiresIn(-10*time.Minute)), env, nil, exitRefused, [][]string{{
			"  [FAIL] exp (JWS header)       2026-11-24 09:49:00 UTC (11m0s ago)  => token_expired",
			"         now                    2026-11-24 10:00:00 UTC, leeway 30s",
			"         hint                   expired 11m0s before now, 10m30s beyond the leeway",
		}}},
		{"not valid yet", mint(u, ct.WithAccessClaim("nbf", transcriptAt.Add(time.Hour).Unix())), env, nil, exitRefused, [][]string{{
			"  [FAIL] nbf                    2026-11-24 11:00:00 UTC (in 1h0m0s)  => token_not_yet_valid",
			"         now                    2026-11-24 10:00:00 UTC, leeway 30s",
			"         hint                   nbf is 1h0m0s after now, 59m30s beyond the leeway (is this host's clock, or the issuer's, off?)",
		}}},
		{"identity of someone else", mint(u, ct.WithIdentity("someone-else")), env, nil, exitRefused, [][]string{{
			"x-amzn-oidc-identity",
			"  [FAIL] sub agreement          someone-else  => sub_mismatch",
			"         access token sub       " + transcriptSub,
			"         hint                   the identity header must be the signed-in user's sub, as the ALB sends it: did something between the ALB and the app change it?",
		}}},
		{"a machine client's missing scope", bearer(iss.MintMachine("ordersservice1234567890", []string{"orders/read"}, at)), machine, []string{"-route-scopes", "orders/write"}, exitRefused, [][]string{{
			"stage 1: app policy (every route)",
			"  [note] result                 not applied: a machine client (ordersservice1234567890), not a user",
			"stage 2: route rules (this route's own; every one must admit)",
			"  [rule] rule #1 (scopes all of [orders/write]): token has scopes [orders/read] — no match",
			"  [FAIL] result                 refused: rule #1 does not admit the machine client  => route_forbidden",
		}}},
		{"a machine client not configured", bearer(iss.MintMachine("reportsservice123456789", []string{"orders/read"}, at)), machine, nil, exitRefused, [][]string{{
			"  [FAIL] client_id              reportsservice123456789 (machine client)  => client_mismatch",
			"         configured             machine clients ordersservice1234567890 (COGNITO_AUTH_MACHINE_CLIENT_IDS)",
			"         hint                   a client-credentials token (sub is its client id): add the client to COGNITO_AUTH_MACHINE_CLIENT_IDS to accept it as a machine principal",
		}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"-at", transcriptAt.Format(time.RFC3339)}, tc.args...)
			code, out, errOut := explainRun(t, tc.env, plainHeaders(tc.header), args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, errOut)
			}
			for _, b := range tc.blocks {
				hasBlock(t, out, b...)
			}
			if n := strings.Count(out, "verdict:"); n != 1 {
				t.Errorf("%d verdicts, want one, at the end:\n%s", n, out)
			}
			secretsAbsent(t, out, tc.header)
		})
	}
}

// TestExplainUnknownVariables: a COGNITO_AUTH_* variable no package reads
// is shown with the configuration, as the app warns of it at start-up; a
// missing setting's error names the variable probably meant for it.
func TestExplainUnknownVariables(t *testing.T) {
	iss := ct.Start(t)
	h := iss.Mint(ct.User{}).Header()
	code, out, errOut := explainRun(t, with(iss.Env(), "COGNITO_AUTH_CLIENTID", "x"), plainHeaders(h))
	if code != exitAllowed {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	hasBlock(t, out,
		"  ALB ARNs    "+iss.ALBARN(),
		"  warning     cognito-auth: unknown environment variable COGNITO_AUTH_CLIENTID: did you mean COGNITO_AUTH_CLIENT_ID?",
	)
	code, out, errOut = explainRun(t, with(iss.Env(), core.EnvUserPoolID, "", "COGNITO_AUTH_USERPOOL_ID", iss.UserPoolID()), plainHeaders(h))
	if want := "; COGNITO_AUTH_USERPOOL_ID is set: did you mean COGNITO_AUTH_USER_POOL_ID?"; code != exitUsage || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, stderr %q; want 2 and %q\n%s", code, errOut, want, out)
	}
	code, _, errOut = explainRun(t, with(iss.Env(), "COGNITO_AUTH_CLIENTID", "x", core.EnvStrictEnv, "true"), plainHeaders(h))
	if want := "unknown environment variable COGNITO_AUTH_CLIENTID: did you mean COGNITO_AUTH_CLIENT_ID?"; code != exitUsage || !strings.Contains(errOut, want) {
		t.Errorf("strict: exit %d, stderr %q; want 2 and %q", code, errOut, want)
	}
}
