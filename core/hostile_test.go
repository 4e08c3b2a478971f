package core_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

var staff = ct.User{Email: "alice@example.com", Groups: []string{"staff"}}

// mint returns the headers for the default user with opts applied.
func mint(opts ...ct.TokenOption) http.Header { return issuer.Mint(staff, opts...).Header() }

// edit mints valid headers and lets fn change them.
func edit(fn func(h http.Header)) func() http.Header {
	return func() http.Header { h := mint(); fn(h); return h }
}

// withData replaces x-amzn-oidc-data of a valid set.
func withData(fn func(tok string) string) func() http.Header {
	return edit(func(h http.Header) { h.Set(core.HeaderData, fn(h.Get(core.HeaderData))) })
}

func withAccess(fn func(tok string) string) func() http.Header {
	return edit(func(h http.Header) { h.Set(core.HeaderAccessToken, fn(h.Get(core.HeaderAccessToken))) })
}

func segs(tok string) []string { return strings.Split(tok, ".") }

// reheader rebuilds a token with a new header segment and the old payload
// and signature (used for checks that must fire before the signature).
func reheader(tok, headerJSON string, padded bool) string {
	p := segs(tok)
	enc := base64.RawURLEncoding
	if padded {
		enc = base64.URLEncoding
	}
	p[0] = enc.EncodeToString([]byte(headerJSON))
	return strings.Join(p, ".")
}

// hmacAccessToken forges an HS256 token keyed with the RSA public key bytes,
// the classic algorithm-confusion attack.
func hmacAccessToken() string {
	hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","kid":"x"}`))
	body := segs(issuer.Mint(staff).AccessToken)[1]
	mac := hmac.New(sha256.New, issuer.JWKS())
	mac.Write([]byte(hdr + "." + body))
	return hdr + "." + body + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// derSignature re-encodes the ALB signature as ASN.1 DER instead of r||s.
func derSignature(tok string) string {
	p := segs(tok)
	raw, _ := base64.URLEncoding.DecodeString(p[2])
	der, _ := asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(raw[:32]), new(big.Int).SetBytes(raw[32:])})
	p[2] = base64.URLEncoding.EncodeToString(der)
	return strings.Join(p, ".")
}

type hostileCase struct {
	name string
	h    func() http.Header
	want core.Code
}

func hostileCases() []hostileCase {
	future := time.Now().Add(time.Hour).Unix()
	albHdr := func(extra string) string {
		return `{"typ":"JWT","alg":"ES256","kid":"` + ct.NewUUID() + `","signer":"` + issuer.ALBARN() +
			`","iss":"` + issuer.IssuerURL() + `","client":"` + issuer.ClientID() + `","exp":` + itoa(future) + extra + `}`
	}
	return []hostileCase{
		// Presence, duplicates and size.
		{"no headers", func() http.Header { return http.Header{} }, core.CodeMissingToken},
		{"only data", edit(func(h http.Header) { h.Del(core.HeaderAccessToken); h.Del(core.HeaderIdentity) }), core.CodeMissingAccess},
		{"no identity", edit(func(h http.Header) { h.Del(core.HeaderIdentity) }), core.CodeMissingIdentity},
		{"no data", edit(func(h http.Header) { h.Del(core.HeaderData) }), core.CodeMissingData},
		{"empty data value", edit(func(h http.Header) { h.Set(core.HeaderData, "") }), core.CodeMissingData},
		{"duplicate data", edit(func(h http.Header) { h.Add(core.HeaderData, h.Get(core.HeaderData)) }), core.CodeDuplicateHeader},
		{"duplicate access", edit(func(h http.Header) { h.Add(core.HeaderAccessToken, h.Get(core.HeaderAccessToken)) }), core.CodeDuplicateHeader},
		{"duplicate identity", edit(func(h http.Header) { h.Add(core.HeaderIdentity, "other") }), core.CodeDuplicateHeader},
		{"data over 16 KiB", withData(func(t string) string { return t + strings.Repeat("A", 16<<10) }), core.CodeHeaderTooLarge},
		{"access over 16 KiB", withAccess(func(t string) string { return t + strings.Repeat("A", 16<<10) }), core.CodeHeaderTooLarge},
		{"identity over 256 bytes", edit(func(h http.Header) { h.Set(core.HeaderIdentity, strings.Repeat("a", 300)) }), core.CodeHeaderTooLarge},
		// Form.
		{"two segments", withData(func(t string) string { p := segs(t); return p[0] + "." + p[1] }), core.CodeMalformedToken},
		{"four segments", withData(func(t string) string { return t + ".AAAA" }), core.CodeMalformedToken},
		{"empty payload segment", withData(func(t string) string { p := segs(t); return p[0] + ".." + p[2] }), core.CodeMalformedToken},
		{"empty signature", withData(func(t string) string { p := segs(t); return p[0] + "." + p[1] + "." }), core.CodeMalformedToken},
		{"standard base64 alphabet", withData(func(t string) string { return strings.Replace(t, "e", "+", 1) }), core.CodeMalformedToken},
		{"non-UTF-8 bytes", withData(func(t string) string { return "\xff\xfe" + t }), core.CodeMalformedToken},
		{"space inside", withData(func(t string) string { return strings.Replace(t, ".", ". ", 1) }), core.CodeMalformedToken},
		{"tab inside", withData(func(t string) string { return strings.Replace(t, ".", ".\t", 1) }), core.CodeMalformedToken},
		{"three padding chars", withData(func(t string) string { p := segs(t); return p[0] + "." + p[1] + ".AAAAA===" }), core.CodeMalformedToken},
		{"padding mid-segment", withData(func(t string) string { p := segs(t); return "ey=J" + p[0] + "." + p[1] + "." + p[2] }), core.CodeMalformedToken},
		{"padding on wrong length", withData(func(t string) string { p := segs(t); return p[0] + "." + p[1] + ".AAAAAA=" }), core.CodeMalformedToken},
		{"access as JWE (5 segments)", withAccess(func(t string) string { return t + ".AAAA.AAAA" }), core.CodeMalformedToken},
		// Header shape and algorithm.
		{"header not JSON", withData(func(t string) string { return reheader(t, "not json", true) }), core.CodeMalformedHeader},
		{"header a JSON array", withData(func(t string) string { return reheader(t, `["ES256"]`, true) }), core.CodeMalformedHeader},
		{"repeated alg in a signed header", func() http.Header {
			return mint(ct.WithRawDataHeader([]byte(`{"typ":"JWT","alg":"none","kid":"` + ct.NewUUID() + `","alg":"ES256","signer":"` +
				issuer.ALBARN() + `","iss":"` + issuer.IssuerURL() + `","client":"` + issuer.ClientID() + `","exp":` + itoa(future) + `}`)))
		}, core.CodeMalformedHeader},
		{"kid a number", withData(func(t string) string { return reheader(t, `{"alg":"ES256","kid":5}`, true) }), core.CodeMalformedHeader},
		{"alg none", withData(func(t string) string { return reheader(t, strings.Replace(albHdr(""), "ES256", "none", 1), true) }), core.CodeUnsupportedAlg},
		{"alg HS256", withData(func(t string) string { return reheader(t, strings.Replace(albHdr(""), "ES256", "HS256", 1), true) }), core.CodeUnsupportedAlg},
		{"alg swap to RS256", withData(func(t string) string { return reheader(t, strings.Replace(albHdr(""), "ES256", "RS256", 1), true) }), core.CodeUnsupportedAlg},
		{"alg lower-case es256", withData(func(t string) string { return reheader(t, strings.Replace(albHdr(""), "ES256", "es256", 1), true) }), core.CodeUnsupportedAlg},
		{"alg null", withData(func(t string) string { return reheader(t, strings.Replace(albHdr(""), `"ES256"`, "null", 1), true) }), core.CodeUnsupportedAlg},
		{"access alg ES256", withAccess(func(t string) string { return reheader(t, `{"alg":"ES256","kid":"abc"}`, false) }), core.CodeUnsupportedAlg},
		{"access alg none", withAccess(func(t string) string { p := segs(t); return reheader(p[0]+"."+p[1]+".AAAA", `{"alg":"none"}`, false) }), core.CodeUnsupportedAlg},
		{"access HS256 keyed with the JWKS", withAccess(func(string) string { return hmacAccessToken() }), core.CodeUnsupportedAlg},
		// kid.
		{"kid path traversal", withData(func(t string) string {
			return reheader(t, strings.Replace(albHdr(""), `"kid":"`, `"kid":"../../etc/passwd`, 1), true)
		}), core.CodeInvalidKid},
		{"kid URL injection", withData(func(t string) string { return reheader(t, `{"alg":"ES256","kid":"https://evil.example/key"}`, true) }), core.CodeInvalidKid},
		{"kid percent-encoded traversal", withData(func(t string) string { return reheader(t, `{"alg":"ES256","kid":"%2e%2e%2f%2e%2e%2fkey"}`, true) }), core.CodeInvalidKid},
		{"kid UUID plus path", withData(func(t string) string { return reheader(t, `{"alg":"ES256","kid":"`+ct.NewUUID()+`/../x"}`, true) }), core.CodeInvalidKid},
		{"kid UUID with query", withData(func(t string) string { return reheader(t, `{"alg":"ES256","kid":"`+ct.NewUUID()[:35]+`?"}`, true) }), core.CodeInvalidKid},
		{"kid missing", withData(func(t string) string { return reheader(t, `{"alg":"ES256"}`, true) }), core.CodeInvalidKid},
		{"access kid traversal", withAccess(func(t string) string { return reheader(t, `{"alg":"RS256","kid":"../x?y"}`, false) }), core.CodeInvalidKid},
		{"access kid missing", withAccess(func(t string) string { return reheader(t, `{"alg":"RS256"}`, false) }), core.CodeInvalidKid},
		// Key-material header parameters.
		{"jku header", withData(func(t string) string { return reheader(t, albHdr(`,"jku":"https://evil.example/jwks"`), true) }), core.CodeForbiddenParam},
		{"x5u header", withData(func(t string) string { return reheader(t, albHdr(`,"x5u":"https://evil.example/cert"`), true) }), core.CodeForbiddenParam},
		{"embedded jwk", withData(func(t string) string {
			return reheader(t, albHdr(`,"jwk":{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}`), true)
		}), core.CodeForbiddenParam},
		{"x5c header", withData(func(t string) string { return reheader(t, albHdr(`,"x5c":["MIIB"]`), true) }), core.CodeForbiddenParam},
		{"crit header", withData(func(t string) string { return reheader(t, albHdr(`,"crit":["exp"]`), true) }), core.CodeForbiddenParam},
		{"b64 false", withData(func(t string) string { return reheader(t, albHdr(`,"b64":false`), true) }), core.CodeForbiddenParam},
		{"access jku", withAccess(func(t string) string {
			return reheader(t, `{"alg":"RS256","kid":"abc","jku":"https://evil.example"}`, false)
		}), core.CodeForbiddenParam},
		// Signer, issuer, client.
		{"other signer", func() http.Header {
			return mint(ct.WithSigner("arn:aws:elasticloadbalancing:eu-west-2:999999999999:loadbalancer/app/evil/0123456789abcdef"))
		}, core.CodeSignerMismatch},
		{"signer missing", func() http.Header { return mint(ct.WithDataHeader("signer", ct.Without)) }, core.CodeSignerMismatch},
		{"signer with suffix", func() http.Header { return mint(ct.WithSigner(issuer.ALBARN() + "0")) }, core.CodeSignerMismatch},
		{"signer upper-cased", func() http.Header { return mint(ct.WithSigner(strings.ToUpper(issuer.ALBARN()))) }, core.CodeSignerMismatch},
		{"other pool", func() http.Header {
			return mint(ct.WithIssuer("https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_OtherPool"))
		}, core.CodeIssuerMismatch},
		{"issuer trailing slash", func() http.Header { return mint(ct.WithIssuer(issuer.IssuerURL() + "/")) }, core.CodeIssuerMismatch},
		{"data payload iss other", func() http.Header { return mint(ct.WithDataClaim("iss", "https://evil.example")) }, core.CodeIssuerMismatch},
		{"access iss other", func() http.Header { return mint(ct.WithAccessClaim("iss", "https://evil.example")) }, core.CodeIssuerMismatch},
		{"other client", func() http.Header { return mint(ct.WithClient("otherclient123")) }, core.CodeClientMismatch},
		{"access client_id other", func() http.Header { return mint(ct.WithAccessClaim("client_id", "otherclient123")) }, core.CodeClientMismatch},
		{"access client_id missing", func() http.Header { return mint(ct.WithAccessClaim("client_id", ct.Without)) }, core.CodeClientMismatch},
		{"id token as access", func() http.Header { return mint(ct.WithTokenUse("id")) }, core.CodeTokenUse},
		{"token_use missing", func() http.Header { return mint(ct.WithAccessClaim("token_use", ct.Without)) }, core.CodeTokenUse},
		// Time.
		{"expired", func() http.Header { return mint(ct.Expired()) }, core.CodeTokenExpired},
		{"data header exp past", func() http.Header { return mint(ct.WithDataHeader("exp", time.Now().Add(-time.Hour).Unix())) }, core.CodeTokenExpired},
		{"data payload exp past", func() http.Header { return mint(ct.WithDataClaim("exp", time.Now().Add(-time.Hour).Unix())) }, core.CodeTokenExpired},
		{"access exp past", func() http.Header { return mint(ct.WithAccessClaim("exp", time.Now().Add(-time.Hour).Unix())) }, core.CodeTokenExpired},
		{"data header exp missing", func() http.Header { return mint(ct.WithDataHeader("exp", ct.Without)) }, core.CodeMissingExp},
		{"data payload exp missing", func() http.Header { return mint(ct.WithDataClaim("exp", ct.Without)) }, core.CodeMissingExp},
		{"access exp missing", func() http.Header { return mint(ct.WithAccessClaim("exp", ct.Without)) }, core.CodeMissingExp},
		{"access exp a string", func() http.Header { return mint(ct.WithAccessClaim("exp", itoa(future))) }, core.CodeInvalidExp},
		{"data header exp a string", func() http.Header { return mint(ct.WithDataHeader("exp", itoa(future))) }, core.CodeInvalidExp},
		{"access exp null", func() http.Header { return mint(ct.WithAccessClaim("exp", json.RawMessage("null"))) }, core.CodeInvalidExp},
		{"iat in the future", func() http.Header { return mint(ct.WithAccessClaim("iat", time.Now().Add(time.Hour).Unix())) }, core.CodeIssuedInFuture},
		{"iat a string", func() http.Header { return mint(ct.WithAccessClaim("iat", "yesterday")) }, core.CodeInvalidIat},
		// Cross-token identity.
		{"identity of someone else", func() http.Header { return mint(ct.WithIdentity(ct.NewUUID())) }, core.CodeSubMismatch},
		{"identity non-UTF-8", func() http.Header { return mint(ct.WithIdentity("\xff\xfe")) }, core.CodeSubMismatch},
		{"access token of another user", edit(func(h http.Header) {
			other := issuer.Mint(ct.User{Email: "mallory@example.com"})
			h.Set(core.HeaderAccessToken, other.AccessToken)
			h.Set(core.HeaderIdentity, other.Identity)
		}), core.CodeSubMismatch},
		{"data sub missing", func() http.Header { return mint(ct.WithDataClaim("sub", ct.Without)) }, core.CodeMissingSub},
		{"access sub missing", func() http.Header { return mint(ct.WithAccessClaim("sub", ct.Without)) }, core.CodeMissingSub},
		// Groups.
		{"groups a string", func() http.Header { return mint(ct.WithAccessClaim("cognito:groups", "admins")) }, core.CodeInvalidGroups},
		{"groups with a number", func() http.Header { return mint(ct.WithAccessClaim("cognito:groups", []any{"staff", 1})) }, core.CodeInvalidGroups},
		{"groups an object", func() http.Header { return mint(ct.WithAccessClaim("cognito:groups", map[string]any{"admins": true})) }, core.CodeInvalidGroups},
		{"groups with empty name", func() http.Header { return mint(ct.WithAccessClaim("cognito:groups", []string{""})) }, core.CodeInvalidGroups},
		// email_verified.
		{"email_verified string false", func() http.Header { return mint(ct.WithDataClaim("email_verified", "false")) }, core.CodeEmailUnverified},
		{"email_verified JSON false", func() http.Header { return mint(ct.WithDataClaim("email_verified", false)) }, core.CodeEmailUnverified},
		{"email_verified TRUE upper-case", func() http.Header { return mint(ct.WithDataClaim("email_verified", "TRUE")) }, core.CodeEmailUnverified},
		{"email_verified 1", func() http.Header { return mint(ct.WithDataClaim("email_verified", 1)) }, core.CodeEmailUnverified},
		{"email_verified missing", func() http.Header { return mint(ct.WithDataClaim("email_verified", ct.Without)) }, core.CodeEmailUnverified},
		// Claim shapes.
		{"data email a number", func() http.Header { return mint(ct.WithDataClaim("email", 5)) }, core.CodeMalformedClaims},
		{"access client_id a number", func() http.Header { return mint(ct.WithAccessClaim("client_id", 5)) }, core.CodeMalformedClaims},
		// Signatures.
		{"unpadded ALB token", func() http.Header { return mint(ct.Unpadded()) }, core.CodeInvalidSignature},
		{"tampered data", func() http.Header { return mint(ct.TamperedData()) }, core.CodeInvalidSignature},
		{"tampered access", func() http.Header { return mint(ct.TamperedAccess()) }, core.CodeInvalidSignature},
		{"data signed by another key, same kid", func() http.Header { return mint(ct.SignedByOtherALBKey()) }, core.CodeInvalidSignature},
		{"data signed by unknown kid", func() http.Header { return mint(ct.SignedByUnknownALBKey()) }, core.CodeUnknownKid},
		{"access signed by another key, same kid", func() http.Header { return mint(ct.SignedByOtherRSAKey()) }, core.CodeInvalidSignature},
		{"access kid unknown", func() http.Header { return mint(ct.WithAccessHeader("kid", "bm90LWEta2V5LWlk")) }, core.CodeUnknownKid},
		{"ALB signature truncated", withData(func(t string) string {
			p := segs(t)
			raw, _ := base64.URLEncoding.DecodeString(p[2])
			return p[0] + "." + p[1] + "." + base64.URLEncoding.EncodeToString(raw[:63])
		}), core.CodeInvalidSignature},
		{"ALB signature as ASN.1 DER", withData(derSignature), core.CodeInvalidSignature},
		{"ALB signature all zero", withData(func(t string) string {
			p := segs(t)
			return p[0] + "." + p[1] + "." + base64.URLEncoding.EncodeToString(make([]byte, 64))
		}), core.CodeInvalidSignature},
		{"ALB signature 65 bytes", withData(func(t string) string {
			p := segs(t)
			raw, _ := base64.URLEncoding.DecodeString(p[2])
			return p[0] + "." + p[1] + "." + base64.URLEncoding.EncodeToString(append(raw, 0))
		}), core.CodeInvalidSignature},
		{"access signature truncated", withAccess(func(t string) string {
			p := segs(t)
			raw, _ := base64.RawURLEncoding.DecodeString(p[2])
			return p[0] + "." + p[1] + "." + base64.RawURLEncoding.EncodeToString(raw[:len(raw)-1])
		}), core.CodeInvalidSignature},
	}
}

func itoa(n int64) string { return big.NewInt(n).String() }

func TestHostileInputsAreRefused(t *testing.T) {
	cases := hostileCases()
	if len(cases) < 60 {
		t.Fatalf("only %d hostile cases; the suite promises at least 60", len(cases))
	}
	a, logs := newAuth(t, nil)
	srv := protected(t, a)
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			h := tc.h()
			// Directly through Authenticate: the exact code and sentinel.
			u, authErr := authenticate(a, h.Clone())
			if authErr == nil {
				t.Fatalf("accepted hostile input as %v", u)
			}
			if got := core.CodeOf(authErr); got != tc.want {
				t.Fatalf("code = %q, want %q (err: %v)", got, tc.want, authErr)
			}
			if !errors.Is(authErr, &core.Error{Code: tc.want}) {
				t.Fatalf("errors.Is by code failed for %v", authErr)
			}
			// Through a real router over real HTTP: refused with 401/403.
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
			for k, v := range h {
				if validHeaderValue(v) {
					req.Header[k] = v
				} else {
					return // net/http refuses to send it at all
				}
			}
			req.Header.Set("Accept", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if want := core.StatusOf(authErr); resp.StatusCode != want || (want != http.StatusUnauthorized && want != http.StatusForbidden) {
				t.Fatalf("status %d, want %d (401 or 403)", resp.StatusCode, want)
			}
			if got := resp.Header.Get("X-Test-Code"); got != string(tc.want) {
				t.Fatalf("router code = %q, want %q", got, tc.want)
			}
			assertNoTokenText(t, string(body), h)
		})
	}
	assertNoTokenText(t, logs.String(), mint())
}

// validHeaderValue reports whether net/http's client will send v.
func validHeaderValue(v []string) bool {
	for _, s := range v {
		for i := 0; i < len(s); i++ {
			if s[i] < ' ' && s[i] != '\t' || s[i] == 0x7f {
				return false
			}
		}
	}
	return true
}

// assertNoTokenText fails if text contains any token segment of h.
func assertNoTokenText(t *testing.T, text string, h http.Header) {
	t.Helper()
	for _, name := range []string{core.HeaderData, core.HeaderAccessToken} {
		for _, v := range h.Values(name) {
			for _, seg := range segs(v) {
				if len(seg) >= 16 && strings.Contains(text, seg[:16]) {
					t.Fatalf("output contains token text from %s", name)
				}
			}
		}
	}
}
