package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
)

// rawHTTP formats headers as raw HTTP request text.
func rawHTTP(h http.Header) string {
	var b strings.Builder
	b.WriteString("GET /orders HTTP/1.1\r\nHost: app.example.com\r\nAccept: application/json\r\n")
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("\r\n")
	return b.String()
}

// curlVerbose formats headers as curl -v prints them.
func curlVerbose(h http.Header) string {
	var b strings.Builder
	b.WriteString("*   Trying 127.0.0.1:8080...\n* Connected to app (127.0.0.1) port 8080\n> GET /orders HTTP/1.1\n> Host: app\n> User-Agent: curl/8.5.0\n")
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			fmt.Fprintf(&b, "> %s: %s\n", k, v)
		}
	}
	b.WriteString(">\n< HTTP/1.1 401 Unauthorized\n< Content-Type: application/json\n<\n")
	return b.String()
}

// plainHeaders formats headers as plain Name: value lines.
func plainHeaders(h http.Header) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	return b.String()
}

// explainRun runs the command on a captured request with env as the whole
// environment and returns its exit status and output.
func explainRun(t *testing.T, env map[string]string, capture string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	names := func() []string { return slices.Collect(maps.Keys(env)) }
	code := run(append([]string{"explain"}, args...), strings.NewReader(capture), &out, &errOut, lookup, names)
	return code, out.String(), errOut.String()
}

// secretsAbsent fails when the output holds a whole token or a signature.
func secretsAbsent(t *testing.T, out string, h http.Header) {
	t.Helper()
	for _, name := range []string{core.HeaderData, core.HeaderAccessToken} {
		tok := h.Get(name)
		parts := strings.Split(tok, ".")
		if len(parts) == 3 && len(parts[2]) > 8 && strings.Contains(out, parts[2]) {
			t.Errorf("the output shows the signature of %s", name)
		}
		if len(tok) > 20 && strings.Contains(out, tok) {
			t.Errorf("the output shows the whole %s", name)
		}
	}
}

func TestExplainAllowsAValidRequestInEveryFormat(t *testing.T) {
	iss := ct.Start(t)
	h := iss.Mint(ct.User{Email: "alice@example.com", Groups: []string{"staff"}}).Header()
	for _, tc := range []struct {
		name, capture string
	}{
		{"raw HTTP", rawHTTP(h)},
		{"curl -v", curlVerbose(h)},
		{"Name: value lines", plainHeaders(h)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := explainRun(t, iss.Env(), tc.capture)
			if code != exitAllowed {
				t.Fatalf("exit %d, want 0\n%s%s", code, out, errOut)
			}
			for _, want := range []string{
				"verdict: ALLOWED", "[ok  ] form", "padded", "[ok  ] alg                    ES256", "[ok  ] signer",
				"[ok  ] iss (JWS header)       " + iss.IssuerURL(), "[ok  ] signature              ES256", "[ok  ] signature              RS256",
				"[ok  ] sub agreement", "[ok  ] cognito:groups         [staff]", "[ok  ] email_verified         true",
				"decoded claims", "key fetch   alb GET", "key fetch   jwks GET", "UTC", "(now)",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			secretsAbsent(t, out, h)
			if testing.Verbose() {
				t.Logf("exit %d\n%s", code, out)
			}
		})
	}
}

func TestExplainAtAPastInstant(t *testing.T) {
	iss := ct.Start(t)
	past := time.Date(2026, 1, 24, 10, 0, 0, 0, time.UTC)
	h := iss.Mint(ct.User{}, ct.At(past.Add(-time.Minute))).Header()
	code, out, _ := explainRun(t, iss.Env(), plainHeaders(h), "-at", past.Format(time.RFC3339))
	if code != exitAllowed || !strings.Contains(out, "EVALUATED AT A PAST INSTANT: 2026-01-24T10:00:00Z") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out, _ = explainRun(t, iss.Env(), plainHeaders(h))
	if code != exitRefused || !strings.Contains(out, "=> token_expired") || !strings.Contains(out, "ago)") {
		t.Fatalf("now: exit %d:\n%s", code, out)
	}
	code, out, _ = explainRun(t, iss.Env(), plainHeaders(h), "-at", "2100-01-01T00:00:00Z")
	if code != exitRefused || !strings.Contains(out, "EVALUATED AT A FUTURE INSTANT") || !strings.Contains(out, "=> token_expired") {
		t.Fatalf("future: exit %d:\n%s", code, out)
	}
}

// albKeyServer serves a P-384 key for every kid: a key of the wrong type.
func albKeyServer(t *testing.T) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	body := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(body) }))
	t.Cleanup(srv.Close)
	return srv.URL
}

// closedURL is a loopback URL nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + l.Addr().String() + "/jwks.json"
	_ = l.Close()
	return u
}

func with(env map[string]string, kv ...string) map[string]string {
	out := maps.Clone(env)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(out, kv[i])
			continue
		}
		out[kv[i]] = kv[i+1]
	}
	return out
}

// TestExplainNamesEveryRefusalCode runs one captured request per code a
// request can cause and checks the exit status and that the code is named.
func TestExplainNamesEveryRefusalCode(t *testing.T) {
	iss := ct.Start(t)
	env := iss.Env()
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(policy, []byte(`{"allowed_groups": ["admins"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	u := ct.User{Email: "eve@example.com", Groups: []string{"guests"}}
	mint := func(opts ...ct.TokenOption) http.Header { return iss.Mint(u, opts...).Header() }
	valid := mint()
	future := time.Now().Add(time.Hour).Unix()
	tests := []struct {
		code   core.Code
		header http.Header
		env    map[string]string
		args   []string
	}{
		{core.CodeMissingToken, http.Header{"Accept": {"application/json"}}, env, nil},
		{core.CodeMissingData, without(valid, core.HeaderData), env, nil},
		{core.CodeMissingAccess, without(valid, core.HeaderAccessToken), env, nil},
		{core.CodeMissingIdentity, without(valid, core.HeaderIdentity), env, nil},
		{core.CodeDuplicateHeader, twice(valid, core.HeaderData), env, nil},
		{core.CodeHeaderTooLarge, mint(ct.WithRawData(strings.Repeat("a", 17<<10))), env, nil},
		{core.CodeMalformedToken, mint(ct.WithRawData("only.two")), env, nil},
		{core.CodeMalformedHeader, mint(ct.WithRawDataHeader([]byte(`not json`))), env, nil},
		{core.CodeMalformedClaims, mint(ct.EditDataPayload(func([]byte) []byte { return []byte(`["not","an","object"]`) })), env, nil},
		{core.CodeUnsupportedAlg, mint(ct.WithDataHeader("alg", "HS256")), env, nil},
		{core.CodeInvalidKid, mint(ct.WithDataHeader("kid", "not-a-uuid")), env, nil},
		{core.CodeForbiddenParam, mint(ct.WithDataHeader("jku", "https://attacker.example/keys")), env, nil},
		{core.CodeSignerMismatch, mint(ct.WithSigner("arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/other/50dc6c495c0c9188")), env, nil},
		{core.CodeIssuerMismatch, mint(ct.WithIssuer(awsurl.OriginalIssuer("eu-west-2", "eu-west-2_SomeOther1"))), env, nil},
		{core.CodeClientMismatch, mint(ct.WithClient("someotherclient")), env, nil},
		{core.CodeTokenUse, mint(ct.WithTokenUse("id")), env, nil},
		{core.CodeInvalidSignature, mint(ct.TamperedAccess()), env, nil},
		{core.CodeUnknownKid, mint(ct.WithAccessHeader("kid", "bm90LWEta2V5LWlk")), env, nil},
		{core.CodeInvalidKey, valid, with(env, core.EnvALBKeysURL, albKeyServer(t)), nil},
		{core.CodeKeyUnavailable, valid, with(env, core.EnvJWKSURL, closedURL(t)), nil},
		{core.CodeMissingExp, mint(ct.WithAccessClaim("exp", ct.Without)), env, nil},
		{core.CodeInvalidExp, mint(ct.WithAccessClaim("exp", "tomorrow")), env, nil},
		{core.CodeInvalidIat, mint(ct.WithAccessClaim("iat", "today")), env, nil},
		{core.CodeTokenExpired, mint(ct.Expired()), env, nil},
		{core.CodeIssuedInFuture, mint(ct.WithAccessClaim("iat", future)), env, nil},
		{core.CodeInvalidNbf, mint(ct.WithAccessClaim("nbf", "later")), env, nil},
		{core.CodeNotYetValid, mint(ct.WithAccessClaim("nbf", future)), env, nil},
		{core.CodeSubMismatch, mint(ct.WithIdentity("someone-else")), env, nil},
		{core.CodeMissingSub, mint(ct.WithAccessClaim("sub", nil)), env, nil},
		{core.CodeInvalidGroups, mint(ct.WithAccessClaim("cognito:groups", "admins")), env, nil},
		{core.CodeEmailUnverified, mint(ct.WithDataClaim("email_verified", false)), env, nil},
		{core.CodeForbidden, valid, with(env, core.EnvConfigPath, policy), nil},
		{core.CodePolicyNotLoaded, valid, with(env, core.EnvConfigPath, dir), nil},
		{core.CodeRouteForbidden, valid, env, []string{"-route-groups", "admins"}},
		{core.CodeNotConfigured, valid, with(env, core.EnvALBARN, "", core.EnvBearer, "true"), nil},
		{core.CodeBadAuthorization, http.Header{"Authorization": {"Basic YWxpY2U6c2VjcmV0"}}, with(env, core.EnvBearer, "true"), nil},
	}
	for _, tc := range tests {
		t.Run(string(tc.code), func(t *testing.T) {
			code, out, errOut := explainRun(t, tc.env, rawHTTP(tc.header), tc.args...)
			if code != exitRefused {
				t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
			}
			if !strings.Contains(out, "verdict: REFUSED - code "+string(tc.code)+" (") {
				t.Errorf("the verdict does not name %s:\n%s", tc.code, out)
			}
			if !strings.Contains(out, "the app answers: HTTP "+fmt.Sprint(core.StatusOf(core.NewError(kindOf(tc.code), tc.code, "")))) {
				t.Errorf("the answer's status is missing:\n%s", out)
			}
			secretsAbsent(t, out, tc.header)
			t.Logf("exit %d: %s", code, verdictLine(out))
		})
	}
}

// verdictLine returns the output's verdict line, for the test log.
func verdictLine(out string) string {
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, "verdict:") {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

// kindOf is the sentinel a code is refused with, for the expected status.
func kindOf(c core.Code) error {
	switch c {
	case core.CodeMissingToken, core.CodeMissingData, core.CodeMissingAccess, core.CodeMissingIdentity:
		return core.ErrMissingToken
	case core.CodeTokenExpired:
		return core.ErrExpiredToken
	case core.CodeForbidden, core.CodeRouteForbidden, core.CodeEmailUnverified:
		return core.ErrForbidden
	case core.CodeKeyUnavailable, core.CodePolicyNotLoaded:
		return core.ErrUnavailable
	case core.CodeNotConfigured:
		return core.ErrInvalidToken
	}
	return core.ErrInvalidToken
}

func without(h http.Header, name string) http.Header {
	out := h.Clone()
	out.Del(name)
	return out
}

func twice(h http.Header, name string) http.Header {
	out := h.Clone()
	out.Add(name, h.Get(name))
	return out
}

func TestExplainUsageAndConfigurationErrors(t *testing.T) {
	iss := ct.Start(t)
	h := plainHeaders(iss.Mint(ct.User{}).Header())
	tests := []struct {
		name    string
		env     map[string]string
		capture string
		args    []string
		want    string
	}{
		{"invalid pool id", with(iss.Env(), core.EnvUserPoolID, "not-a-pool"), h, nil, "invalid_config"},
		{"flag overrides the environment", iss.Env(), h, []string{"-user-pool-id", "nope"}, "invalid_config"},
		{"bad -at", iss.Env(), h, []string{"-at", "yesterday"}, "RFC 3339"},
		{"not a capture", iss.Env(), "hello there\n", nil, "line 1"},
		{"empty capture", iss.Env(), "", nil, "no request line"},
		{"two files", iss.Env(), h, []string{"a", "b"}, "one captured request"},
		{"unknown flag", iss.Env(), h, []string{"-nope"}, "flag provided but not defined"},
		{"folded header line", iss.Env(), "X-Foo: a\n Authorization: Bearer x\n", nil, "obsolete line folding"},
		{"space before the colon", iss.Env(), "Authorization : Bearer x\n", nil, "no space may precede the colon"},
		{"policy in Secrets Manager", with(iss.Env(), core.EnvSecretName, "myapp/policy"), h, nil, "pass it with -config"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := explainRun(t, tc.env, tc.capture, tc.args...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q\n%s", code, errOut, tc.want, out)
			}
		})
	}
	var out, errOut bytes.Buffer
	if code := run(nil, strings.NewReader(""), &out, &errOut, func(string) (string, bool) { return "", false }, func() []string { return nil }); code != exitUsage {
		t.Errorf("no command: exit %d", code)
	}
	if code := run([]string{"frobnicate"}, strings.NewReader(""), &out, &errOut, func(string) (string, bool) { return "", false }, func() []string { return nil }); code != exitUsage {
		t.Errorf("unknown command: exit %d", code)
	}
}

func TestExplainReadsAFile(t *testing.T) {
	iss := ct.Start(t)
	path := filepath.Join(t.TempDir(), "req.txt")
	if err := os.WriteFile(path, []byte(rawHTTP(iss.Mint(ct.User{}).Header())), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := explainRun(t, iss.Env(), "", path)
	if code != exitAllowed {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = explainRun(t, iss.Env(), "", filepath.Join(t.TempDir(), "missing.txt"))
	if code != exitUsage || !strings.Contains(errOut, "missing.txt") {
		t.Errorf("missing file: exit %d, %q", code, errOut)
	}
}

// TestExplainOutputCannotBeForged: values from the captured request and
// from tokens (which anyone can mint: they are printed before any signature
// check) are escaped, so a token cannot add lines or terminal escapes to
// the explanation.
func TestExplainOutputCannotBeForged(t *testing.T) {
	iss := ct.Start(t)
	h := iss.Mint(ct.User{}).Header()
	forged := `{"alg":"ES256\n  [ok  ] signature              ES256\n\nverdict: ALLOWED - the app lets this request in\n\u001b[8m\u009b\u202e","kid":"x"}`
	h.Set(core.HeaderData, base64.RawURLEncoding.EncodeToString([]byte(forged))+".e30.AAAA")
	capture := "GET /x HTTP/1.1\n" + plainHeaders(h)
	code, out, errOut := explainRun(t, iss.Env(), capture)
	if code != exitRefused {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for i, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if strings.HasPrefix(line, "verdict: ALLOWED") {
			t.Errorf("line %d is a forged verdict: %q", i+1, line)
		}
		for _, r := range line {
			if r < 0x20 && r != '\t' || r >= 0x7f && r <= 0x9f || r == 0x202e {
				t.Errorf("line %d holds the control character %U: %q", i+1, r, line)
				break
			}
		}
	}
	if !strings.Contains(out, `ES256\u000a`) {
		t.Errorf("the forged alg is not shown escaped:\n%s", out)
	}
}

// TestExplainNotes: a request captured before the ALB (its session cookie,
// no x-amzn-oidc-* headers) is explained as such; times far from the
// instant do not overflow; HTTP/2 pseudo-headers are read.
func TestExplainNotes(t *testing.T) {
	iss := ct.Start(t)
	_, out, _ := explainRun(t, iss.Env(), "GET / HTTP/1.1\nCookie: AWSELBAuthSessionCookie-0=abc\n\n")
	if !strings.Contains(out, "captured before the ALB") || strings.Contains(out, "hosted-UI session") {
		t.Errorf("ALB session cookie:\n%s", out)
	}
	h := iss.Mint(ct.User{}).Header()
	code, out, _ := explainRun(t, iss.Env(), plainHeaders(h), "-at", "9999-12-31T23:59:59Z")
	if code != exitRefused || !strings.Contains(out, "days ago)") || strings.Contains(out, "2562047h") {
		t.Errorf("a far instant: exit %d\n%s", code, out)
	}
	code, out, _ = explainRun(t, iss.Env(), ":method: GET\n:path: /orders\n:authority: app.example.com\n:scheme: https\n"+plainHeaders(h))
	if code != exitAllowed || !strings.Contains(out, "request: GET /orders") {
		t.Errorf("HTTP/2 pseudo-headers: exit %d\n%s", code, out)
	}
}

// TestExplainMachinePath: a machine client's bearer token is explained as a
// machine principal — the user policy not applied, the route's rules
// deciding — and a machine client on a route without rules is refused with
// machine_not_allowed, named with its fix.
func TestExplainMachinePath(t *testing.T) {
	iss := ct.Start(t)
	env := iss.Env()
	env[core.EnvBearer] = "true"
	env[core.EnvMachineClientIDs] = "ordersservice1234567890"
	h := http.Header{"Authorization": {"Bearer " + iss.MintMachine("ordersservice1234567890", []string{"orders/read"})}}
	code, out, errOut := explainRun(t, env, plainHeaders(h), "-route-scopes", "orders/read")
	if code != exitAllowed {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"client_id              ordersservice1234567890 (machine client)",
		"not applied: a machine client (ordersservice1234567890), not a user",
		"machine client: ordersservice1234567890, scopes [orders/read]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = explainRun(t, env, plainHeaders(h))
	if code != exitRefused || !strings.Contains(out, "code machine_not_allowed") || !strings.Contains(out, core.EnvMachineAccess+"=all") {
		t.Fatalf("a machine client with no route rule: exit %d\n%s", code, out)
	}
}
