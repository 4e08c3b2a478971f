package core_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// get sends h to srv's "/" over HTTP and returns the status, the code the
// test router names and the body.
func get(t *testing.T, srv *httptest.Server, h http.Header) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/", nil)
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("X-Test-Code"), string(body)
}

// attacker is a second issuer for the same pool, client and ALB: its keys
// sign tokens that must never be accepted.
func attacker(t *testing.T) *ct.Issuer {
	return ct.Start(t, ct.WithRegion(issuer.Region()), ct.WithUserPoolID(issuer.UserPoolID()),
		ct.WithClientID(issuer.ClientID()), ct.WithALBARN(issuer.ALBARN()))
}

// redirector answers every request with 302 to target + the same path and
// counts nothing else: a key server that hands the fetch to another host.
func redirector(t *testing.T, target string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestKeyFetchesNeverFollowRedirects: a key server that redirects to a host
// holding an attacker's key fails closed (503 key_unavailable) for the ALB
// key, the JWKS and the bearer path; the attacker's server is never asked,
// and the log names the Location host.
func TestKeyFetchesNeverFollowRedirects(t *testing.T) {
	evil := attacker(t)
	evilALB := strings.TrimSuffix(evil.ALBKeysURL(), "/")
	evilJWKS := strings.TrimSuffix(evil.JWKSURL(), "/.well-known/jwks.json")
	host := func(u string) string { return strings.TrimPrefix(u, "http://")[:len("127.0.0.1:")+5] }
	admin := ct.User{Email: "mallory@example.com", Groups: []string{"admins"}}
	cases := []struct {
		name string
		host string
		opts func() []core.Option
		h    func() http.Header
	}{
		{"ALB key", host(evilALB), func() []core.Option {
			return []core.Option{core.WithALBKeysURL(redirector(t, evilALB).URL)}
		}, func() http.Header {
			// The access token is genuine, so the ALB key fetch is reached.
			good := issuer.Mint(admin)
			h := good.Header()
			h.Set(core.HeaderData, evil.Mint(admin, ct.WithDataClaim("sub", good.Identity)).Data)
			return h
		}},
		{"JWKS", host(evilJWKS), func() []core.Option {
			return []core.Option{core.WithJWKSURL(redirector(t, evilJWKS).URL + "/.well-known/jwks.json")}
		}, func() http.Header { return evil.Mint(admin).Header() }},
		{"bearer", host(evilJWKS), func() []core.Option {
			return []core.Option{core.WithBearer(true), core.WithJWKSURL(redirector(t, evilJWKS).URL + "/.well-known/jwks.json")}
		}, func() http.Header {
			return http.Header{"Authorization": {"Bearer " + evil.Mint(admin).AccessToken}}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, logs := newAuth(t, nil, tc.opts()...)
			albBefore, jwksBefore := evil.ALBKeyFetches(), evil.JWKSFetches()
			status, code, body := get(t, protected(t, a), tc.h())
			if status != http.StatusServiceUnavailable || code != string(core.CodeKeyUnavailable) {
				t.Fatalf("status %d code %q body %q; want 503 key_unavailable", status, code, body)
			}
			if evil.ALBKeyFetches() != albBefore || evil.JWKSFetches() != jwksBefore {
				t.Fatal("the redirect was followed to the attacker's key server")
			}
			if !strings.Contains(logs.String(), tc.host) {
				t.Fatalf("the log does not name the redirect's host %s:\n%s", tc.host, logs)
			}
		})
	}
}

// TestNotBefore: nbf in the future (beyond the leeway) is refused on every
// token, with the header and payload of the data token checked apart;
// within the leeway it passes; a non-number is malformed.
func TestNotBefore(t *testing.T) {
	a, _ := newAuth(t, nil, core.WithBearer(true), core.WithLeeway(30*time.Second))
	srv := protected(t, a)
	hour := time.Now().Add(time.Hour).Unix()
	soon := time.Now().Add(10 * time.Second).Unix()
	bearer := func(opts ...ct.TokenOption) func() http.Header {
		return func() http.Header {
			return http.Header{"Authorization": {"Bearer " + issuer.Mint(staff, opts...).AccessToken}}
		}
	}
	alb := func(opts ...ct.TokenOption) func() http.Header { return func() http.Header { return mint(opts...) } }
	cases := []struct {
		name   string
		h      func() http.Header
		status int
		code   core.Code
	}{
		{"access token nbf in an hour", alb(ct.WithAccessClaim("nbf", hour)), 401, core.CodeNotYetValid},
		{"data token payload nbf in an hour", alb(ct.WithDataClaim("nbf", hour)), 401, core.CodeNotYetValid},
		{"data token header nbf in an hour", alb(ct.WithDataHeader("nbf", hour)), 401, core.CodeNotYetValid},
		{"bearer token nbf in an hour", bearer(ct.WithAccessClaim("nbf", hour)), 401, core.CodeNotYetValid},
		{"access token nbf a string", alb(ct.WithAccessClaim("nbf", "0")), 401, core.CodeInvalidNbf},
		{"data token nbf a string", alb(ct.WithDataClaim("nbf", "0")), 401, core.CodeInvalidNbf},
		{"nbf within the leeway", alb(ct.WithAccessClaim("nbf", soon), ct.WithDataClaim("nbf", soon), ct.WithDataHeader("nbf", soon)), 200, ""},
		{"bearer nbf within the leeway", bearer(ct.WithAccessClaim("nbf", soon)), 200, ""},
		{"nbf in the past", alb(ct.WithAccessClaim("nbf", time.Now().Add(-time.Minute).Unix())), 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, code, body := get(t, srv, tc.h())
			if status != tc.status || code != string(tc.code) {
				t.Fatalf("status %d code %q body %q; want %d %q", status, code, body, tc.status, tc.code)
			}
		})
	}
	t.Run("ID token", func(t *testing.T) {
		u := ct.User{Email: "alice@example.com"}
		tok := issuer.MintIDToken(u, issuer.ClientID(), "", time.Hour, ct.WithIDClaim("nbf", hour))
		if _, err := a.Verifier().VerifyIDToken(t.Context(), tok, ""); core.CodeOf(err) != core.CodeNotYetValid {
			t.Fatalf("ID token with nbf in an hour: %v", err)
		}
		tok = issuer.MintIDToken(u, issuer.ClientID(), "", time.Hour, ct.WithIDClaim("nbf", soon))
		if _, err := a.Verifier().VerifyIDToken(t.Context(), tok, ""); err != nil {
			t.Fatalf("ID token with nbf within the leeway: %v", err)
		}
	})
}

// TestClaimsMustBeUTF8: a validly signed token whose header or payload JSON
// holds bytes that are not UTF-8 (or that is not strictly valid JSON) is
// refused, for every token type.
func TestClaimsMustBeUTF8(t *testing.T) {
	a, _ := newAuth(t, nil, core.WithBearer(true))
	srv := protected(t, a)
	badName := func(p []byte) []byte {
		return bytes.Replace(p, []byte(`"iss":`), []byte("\"name\":\"\xff\xfe\",\"iss\":"), 1)
	}
	badEscape := func(p []byte) []byte {
		return bytes.Replace(p, []byte(`"iss":`), []byte(`"name":"a\qb","iss":`), 1)
	}
	cases := []struct {
		name string
		h    http.Header
		code core.Code
	}{
		{"data token name \\xff\\xfe", mint(ct.EditDataPayload(badName)), core.CodeMalformedClaims},
		{"access token name \\xff\\xfe", mint(ct.EditAccessPayload(badName)), core.CodeMalformedClaims},
		{"bearer token name \\xff\\xfe", http.Header{"Authorization": {"Bearer " + issuer.Mint(staff, ct.EditAccessPayload(badName)).AccessToken}}, core.CodeMalformedClaims},
		{"data token header \\xff", mint(ct.WithRawDataHeader([]byte("{\"typ\":\"JWT\xff\",\"alg\":\"ES256\"}"))), core.CodeMalformedHeader},
		{"data token invalid escape", mint(ct.EditDataPayload(badEscape)), core.CodeMalformedClaims},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, code, body := get(t, srv, tc.h)
			if status != http.StatusUnauthorized || code != string(tc.code) {
				t.Fatalf("status %d code %q body %q; want 401 %s", status, code, body, tc.code)
			}
		})
	}
	t.Run("ID token", func(t *testing.T) {
		// An access token's payload turned into an ID token's, with the bytes.
		raw := issuer.Mint(staff, ct.EditAccessPayload(func(p []byte) []byte {
			p = bytes.Replace(p, []byte(`"token_use":"access"`), []byte(`"token_use":"id"`), 1)
			p = bytes.Replace(p, []byte(`"client_id":`), []byte(`"aud":"`+issuer.ClientID()+`","client_id":`), 1)
			return badName(p)
		})).AccessToken
		if _, err := a.Verifier().VerifyIDToken(t.Context(), raw, ""); core.CodeOf(err) != core.CodeMalformedClaims {
			t.Fatalf("ID token with invalid UTF-8: %v", err)
		}
	})
}

// TestUnknownKidFloodDoesNotBlockRotation: one pool user sends 200 random
// ALB kids behind their valid access token. Their refusals are 401
// unknown_kid (their problem, not an outage), and right after, a real
// rotation of the ALB key is fetched and accepted for another user.
func TestUnknownKidFloodDoesNotBlockRotation(t *testing.T) {
	iss := ct.Start(t)
	a, _ := newAuth(t, iss)
	srv := protected(t, a)
	flooder := iss.Mint(ct.User{Email: "flood@example.com"})
	statuses := map[int]int{}
	for range 200 {
		h := flooder.Header()
		h.Set(core.HeaderData, reheader(flooder.Data, `{"typ":"JWT","alg":"ES256","kid":"`+ct.NewUUID()+
			`","signer":"`+iss.ALBARN()+`","iss":"`+iss.IssuerURL()+`","client":"`+iss.ClientID()+
			`","exp":`+itoa(time.Now().Add(time.Hour).Unix())+`}`, true))
		status, code, _ := get(t, srv, h)
		statuses[status]++
		if status != http.StatusUnauthorized || code != string(core.CodeUnknownKid) {
			t.Fatalf("flood request: status %d code %q; want 401 unknown_kid", status, code)
		}
	}
	if _, err := iss.RotateALBKey(); err != nil {
		t.Fatal(err)
	}
	status, code, body := get(t, srv, iss.Mint(staff).Header())
	if status != http.StatusOK {
		t.Fatalf("after one user's flood, a rotated ALB key is refused for everyone: %d %q %q", status, code, body)
	}
	if n := iss.ALBKeyFetches(); n > 4 {
		t.Fatalf("%d ALB key fetches: one user's flood may spend only their own budget", n)
	}
	t.Logf("flood answers %v; ALB key fetches %d", statuses, iss.ALBKeyFetches())
}

// TestWrongKeyTypeIsInvalidToken: a key server serving a key of the wrong
// type (P-384 for the ALB; only EC keys in the JWKS) makes the token invalid
// (401 invalid_key), logged as a key problem at WARN.
func TestWrongKeyTypeIsInvalidToken(t *testing.T) {
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	p384 := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	ecJWKS := `{"keys":[{"kty":"EC","crv":"P-256","kid":"k","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}`
	for name, opt := range map[string]func(string) core.VerifierOption{
		"ALB key P-384": core.WithALBKeysURL,
		"JWKS EC only":  func(u string) core.VerifierOption { return core.WithJWKSURL(u + "/jwks.json") },
	} {
		t.Run(name, func(t *testing.T) {
			srv := newFaultServer(t, func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "jwks.json") {
					_, _ = io.WriteString(w, ecJWKS)
					return
				}
				_, _ = w.Write(p384)
			})
			a, logs := newAuth(t, nil, opt(srv.URL))
			status, code, _ := get(t, protected(t, a), mint())
			if status != http.StatusUnauthorized || code != string(core.CodeInvalidKey) {
				t.Fatalf("status %d code %q; want 401 invalid_key", status, code)
			}
			if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "invalid_key") {
				t.Fatalf("not logged as a key problem:\n%s", logs)
			}
		})
	}
}

// TestStrayALBHeadersAreNotServerErrors: with bearer tokens only (no ALB
// ARN), a client that sends x-amzn-oidc-* headers gets 401, never 500.
func TestStrayALBHeadersAreNotServerErrors(t *testing.T) {
	a, _ := newAuth(t, nil, core.WithALBARNs(), core.WithBearer(true))
	srv := protected(t, a)
	for name, h := range map[string]http.Header{
		"all three":     mint(),
		"identity only": {core.HeaderIdentity: {"x"}},
		"garbage data":  {core.HeaderData: {"a.b.c"}, core.HeaderAccessToken: {"a.b.c"}, core.HeaderIdentity: {"x"}},
	} {
		t.Run(name, func(t *testing.T) {
			if status, code, body := get(t, srv, h); status != http.StatusUnauthorized {
				t.Fatalf("status %d code %q body %q; want 401", status, code, body)
			}
		})
	}
	// A bearer request is still served.
	h := http.Header{"Authorization": {"Bearer " + issuer.Mint(staff).AccessToken}}
	if status, _, _ := get(t, srv, h); status != http.StatusOK {
		t.Fatalf("bearer request: %d", status)
	}
}

// TestMissingPolicyFileIsConfigError: a policy path that does not exist at
// start-up is a configuration error naming the variable and the path.
func TestMissingPolicyFileIsConfigError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "polciy.json")
	env := issuer.Env()
	env[core.EnvConfigPath] = path
	_, err := core.New(core.WithEnvironment(envMap(env)))
	if err == nil || core.CodeOf(err) != core.CodeInvalidConfig {
		t.Fatalf("want invalid_config, got %v", err)
	}
	for _, want := range []string{core.EnvConfigPath, path} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q does not name %s", err, want)
		}
	}
	// The same file, once it exists, is fine.
	if err := os.WriteFile(path, []byte(`{"allowed_groups":["staff"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := core.New(core.WithEnvironment(envMap(env)))
	if err != nil {
		t.Fatal(err)
	}
	_ = a.Close()
}

// TestJWKSLoadFailureLogSaysThereIsNoKeySet: before any key set has loaded,
// a failed load does not claim to keep "the last good key set".
func TestJWKSLoadFailureLogSaysThereIsNoKeySet(t *testing.T) {
	srv := newFaultServer(t, faults()["HTTP 500"])
	_, logs := newAuth(t, nil, core.WithJWKSURL(srv.URL+"/jwks.json"))
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "JWKS load failed") {
		if time.Now().After(deadline) {
			t.Fatalf("no log of the failed first load:\n%s", logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if strings.Contains(logs.String(), "last good key set") {
		t.Fatalf("claims a last good key set that never loaded:\n%s", logs)
	}
}
