package core_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
)

const secondPool = "eu-west-2_SecondPool1"

// TestIssuers: for each configured pool both issuer formats are accepted,
// replica-region issuers only when configured, and nothing else: no other
// pool or region, no trailing slash, no http, no case folding.
func TestIssuers(t *testing.T) {
	pool := issuer.UserPoolID()
	region, _, _ := strings.Cut(pool, "_")
	orig := awsurl.OriginalIssuer(region, pool)
	upd := awsurl.UpdatedIssuer(pool)
	replica := awsurl.OriginalIssuer("eu-west-1", pool)
	plain, _ := newAuth(t, nil)
	withReplica, _ := newAuth(t, nil, core.WithReplicaRegions("eu-west-1"))
	plainSrv, replicaSrv := protected(t, plain), protected(t, withReplica)
	cases := []struct {
		name string
		iss  string
		srv  string // "plain" or "replica"
		ok   bool
	}{
		{"ORIGINAL", orig, "plain", true},
		{"UPDATED", upd, "plain", true},
		{"UPDATED, replicas configured", upd, "replica", true},
		{"replica region without COGNITO_AUTH_REPLICA_REGIONS", replica, "plain", false},
		{"replica region with COGNITO_AUTH_REPLICA_REGIONS", replica, "replica", true},
		{"UPDATED host in a replica region", "https://issuer-cognito-idp.eu-west-1.amazonaws.com/" + pool, "replica", false},
		{"other pool", awsurl.OriginalIssuer(region, "eu-west-2_Other"), "plain", false},
		{"other region host", awsurl.OriginalIssuer("us-east-1", pool), "replica", false},
		{"trailing slash", orig + "/", "plain", false},
		{"UPDATED, trailing slash", upd + "/", "plain", false},
		{"http", strings.Replace(orig, "https://", "http://", 1), "plain", false},
		{"UPDATED over http", strings.Replace(upd, "https://", "http://", 1), "plain", false},
		{"upper case host", strings.Replace(orig, "cognito-idp", "COGNITO-IDP", 1), "plain", false},
		{"upper case pool", strings.ToUpper(orig[:len(orig)-3]) + orig[len(orig)-3:], "plain", false},
		{"other domain", strings.Replace(orig, "amazonaws.com", "amazonaws.com.evil.example", 1), "plain", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := plainSrv
			if tc.srv == "replica" {
				srv = replicaSrv
			}
			status, code, body := get(t, srv, issuer.Mint(staff, ct.WithIssuer(tc.iss)).Header())
			if tc.ok != (status == http.StatusOK) {
				t.Fatalf("iss %s: status %d code %q body %q; accepted=%v wanted", tc.iss, status, code, body, tc.ok)
			}
			if !tc.ok && code != string(core.CodeIssuerMismatch) {
				t.Fatalf("refused with %q, want issuer_mismatch", code)
			}
		})
	}
	t.Run("User names the pool and the issuer", func(t *testing.T) {
		u, err := authenticate(plain, issuer.Mint(staff, ct.WithIssuer(upd)).Header())
		if err != nil || u.UserPoolID != pool || u.Issuer != upd {
			t.Fatalf("user pool %q issuer %q (%v)", u.UserPoolID, u.Issuer, err)
		}
	})
}

// TestSeveralPools: with two pools configured, each pool's users are let in
// with their own groups; a data token of one pool with an access token of
// the other is refused.
func TestSeveralPools(t *testing.T) {
	a, _ := newAuth(t, nil, core.WithUserPoolIDs(issuer.UserPoolID(), secondPool))
	srv := protected(t, a)
	second := awsurl.OriginalIssuer("eu-west-2", secondPool)
	bob := ct.User{Email: "bob@second.example", Groups: []string{"second-staff"}}
	u, err := authenticate(a, issuer.Mint(bob, ct.WithIssuer(second)).Header())
	if err != nil || u.UserPoolID != secondPool || !u.IsIn("second-staff") || u.IsIn("staff") {
		t.Fatalf("second pool's user: %+v %v", u, err)
	}
	u, err = authenticate(a, issuer.Mint(staff).Header())
	if err != nil || u.UserPoolID != issuer.UserPoolID() || !u.IsIn("staff") {
		t.Fatalf("first pool's user: %+v %v", u, err)
	}
	mixed := issuer.Mint(bob, ct.WithIssuer(second))
	fromFirst := issuer.Mint(ct.User{Sub: mixed.Identity, Email: "bob@second.example"})
	h := mixed.Header()
	h.Set(core.HeaderData, fromFirst.Data)
	if status, code, _ := get(t, srv, h); status != http.StatusUnauthorized || code != string(core.CodeIssuerMismatch) {
		t.Fatalf("data token of one pool, access token of another: %d %q", status, code)
	}
	// The data token's header and payload must name the same pool too.
	h = issuer.Mint(bob, ct.WithIssuer(second), ct.WithDataClaim("iss", issuer.IssuerURL())).Header()
	if status, code, _ := get(t, srv, h); status != http.StatusUnauthorized || code != string(core.CodeIssuerMismatch) {
		t.Fatalf("data token header and payload of different pools: %d %q", status, code)
	}
	// A pool that is not configured stays out.
	if status, _, _ := get(t, srv, issuer.Mint(bob, ct.WithIssuer(awsurl.OriginalIssuer("eu-west-2", "eu-west-2_Third"))).Header()); status != http.StatusUnauthorized {
		t.Fatalf("third pool: %d", status)
	}
}

// TestKeysComeFromTheMatchedIssuersJWKS: without COGNITO_AUTH_JWKS_URL each
// issuer's keys come from its own ISSUER/.well-known/jwks.json; the
// configuration names them, never the token.
func TestKeysComeFromTheMatchedIssuersJWKS(t *testing.T) {
	env := issuer.Env()
	delete(env, core.EnvJWKSURL)
	env[core.EnvReplicaRegions] = "eu-west-1"
	a, err := core.New(core.WithEnvironment(envMap(env)), core.WithLogger(testLogger(&syncBuffer{})),
		core.WithFetchTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	// The real AWS hosts are out of reach here, so the key fetch fails
	// closed; the log names the URL taken from configuration.
	_, err = authenticate(a, issuer.Mint(staff, ct.WithIssuer(issuer.UpdatedIssuerURL())).Header())
	if core.CodeOf(err) != core.CodeKeyUnavailable || !strings.Contains(err.Error(), "Cognito JWKS") {
		t.Fatalf("want key_unavailable from the issuer's own JWKS, got %v", err)
	}
}

// TestExpiryFields: ExpiresAt is the access token's exp (when the session
// needs renewal); ClaimsExpireAt the data token's short one. A request is
// refused when either has expired.
func TestExpiryFields(t *testing.T) {
	a, _ := newAuth(t, nil)
	h := issuer.Mint(staff, ct.ExpiresIn(time.Hour), ct.DataExpiresIn(2*time.Minute))
	u, err := authenticate(a, h.Header())
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(u.ExpiresAt); d < 59*time.Minute || d > time.Hour {
		t.Fatalf("ExpiresAt in %v, want the access token's hour", d)
	}
	if d := time.Until(u.ClaimsExpireAt); d < 110*time.Second || d > 2*time.Minute {
		t.Fatalf("ClaimsExpireAt in %v, want the data token's two minutes", d)
	}
	if _, err := authenticate(a, issuer.Mint(staff, ct.ExpiresIn(time.Hour), ct.DataExpiresIn(-time.Hour)).Header()); core.CodeOf(err) != core.CodeTokenExpired {
		t.Fatalf("expired data token, valid access token: %v", err)
	}
	if _, err := authenticate(a, issuer.Mint(staff, ct.ExpiresIn(-time.Hour), ct.DataExpiresIn(time.Minute)).Header()); core.CodeOf(err) != core.CodeTokenExpired {
		t.Fatalf("valid data token, expired access token: %v", err)
	}
}

// TestResignedDataTokens: the ALB re-signs the data token on every request
// (ECDSA signatures differ each time); the same access token goes along.
// Every one is accepted, and a tampered one among them is still refused.
func TestResignedDataTokens(t *testing.T) {
	a, _ := newAuth(t, nil)
	first := issuer.Mint(staff, ct.DataExpiresIn(2*time.Minute))
	seen := map[string]bool{}
	for range 20 {
		h := issuer.Mint(ct.User{Sub: first.Identity, Email: staff.Email}, ct.WithRawAccessToken(first.AccessToken), ct.DataExpiresIn(2*time.Minute))
		if seen[h.Data] {
			t.Fatal("the data token was not re-signed")
		}
		seen[h.Data] = true
		if u, err := authenticate(a, h.Header()); err != nil || !u.IsIn("staff") {
			t.Fatalf("re-signed data token: %v", err)
		}
	}
	h := issuer.Mint(ct.User{Sub: first.Identity}, ct.WithRawAccessToken(first.AccessToken), ct.TamperedData())
	if _, err := authenticate(a, h.Header()); core.CodeOf(err) != core.CodeInvalidSignature {
		t.Fatalf("tampered re-signed data token with a known access token: %v", err)
	}
}

// TestAllowUnverifiedEmailFromEnvironment: COGNITO_AUTH_ALLOW_UNVERIFIED_EMAIL
// lets in a user whose email is not verified (federated users).
func TestAllowUnverifiedEmailFromEnvironment(t *testing.T) {
	unverified := issuer.Mint(ct.User{Email: "fed@example.com", EmailUnverified: true}).Header()
	env := issuer.Env()
	a, err := core.New(core.WithEnvironment(envMap(env)), core.WithLogger(testLogger(&syncBuffer{})))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := authenticate(a, unverified); core.CodeOf(err) != core.CodeEmailUnverified {
		t.Fatalf("default: %v", err)
	}
	env[core.EnvAllowUnverifiedEmail] = "true"
	b, err := core.New(core.WithEnvironment(envMap(env)), core.WithLogger(testLogger(&syncBuffer{})))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if u, err := authenticate(b, unverified); err != nil || u.EmailVerified {
		t.Fatalf("with %s: %+v %v", core.EnvAllowUnverifiedEmail, u, err)
	}
	env[core.EnvAllowUnverifiedEmail] = "maybe"
	if _, err := core.New(core.WithEnvironment(envMap(env))); core.CodeOf(err) != core.CodeInvalidConfig {
		t.Fatalf("bad value: %v", err)
	}
}
