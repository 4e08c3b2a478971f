package core_test

import (
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// bearer returns an Authorization header for an access token.
func bearer(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

func bearerAuth(t *testing.T, opts ...core.Option) *core.BaseAuth {
	a, _ := newAuth(t, nil, append(append([]core.Option{core.WithBearer(true)}, machineOpts...), opts...)...)
	return a
}

func TestBearerValid(t *testing.T) {
	a := bearerAuth(t)
	h := issuer.Mint(ct.User{Username: "alice", Groups: []string{"staff"}})
	u, err := authenticate(a, bearer(h.AccessToken))
	if err != nil {
		t.Fatal(err)
	}
	if u.Sub != h.Identity || u.Username != "alice" || !slices.Equal(u.Groups, []string{"staff"}) ||
		!u.HasScope("openid") || u.ClientID != issuer.ClientID() || u.Email != "" {
		t.Fatalf("user %+v", u)
	}
	// Scheme is case-insensitive.
	if _, err := authenticate(a, http.Header{"Authorization": {"bearer " + h.AccessToken}}); err != nil {
		t.Fatal(err)
	}
	// ALB headers win when both are present.
	both := mint()
	both.Set("Authorization", "Bearer garbage")
	if u, err := authenticate(a, both); err != nil || u.Email != staff.Email {
		t.Fatalf("ALB headers with a bearer: %v %v", u, err)
	}
}

func TestBearerOffByDefault(t *testing.T) {
	a, _ := newAuth(t, nil)
	h := issuer.Mint(staff)
	if _, err := authenticate(a, bearer(h.AccessToken)); core.CodeOf(err) != core.CodeMissingToken {
		t.Fatalf("bearer accepted while off: %v", err)
	}
}

// TestBearerOnlyDeployment: no ALB ARN is needed when only bearer tokens
// are accepted; ALB headers are then refused, not trusted.
func TestBearerOnlyDeployment(t *testing.T) {
	opts := append(issuer.Options(), core.WithALBARNs(), core.WithBearer(true), core.WithLogger(testLogger(io.Discard)))
	a, err := core.New(opts...)
	if err != nil {
		t.Fatalf("bearer-only config: %v", err)
	}
	defer a.Close()
	if _, err := authenticate(a, bearer(issuer.Mint(staff).AccessToken)); err != nil {
		t.Fatal(err)
	}
	if _, err := authenticate(a, mint()); core.CodeOf(err) != core.CodeNotConfigured {
		t.Fatalf("ALB headers without an ALB ARN: %v", err)
	}
}

func TestBearerHostile(t *testing.T) {
	a := bearerAuth(t)
	srv := protected(t, a)
	tok := func(opts ...ct.TokenOption) string { return issuer.Mint(staff, opts...).AccessToken }
	reheaderTok := func(hdr string) string { return reheader(tok(), hdr, false) }
	cases := []struct {
		name string
		h    http.Header
		want core.Code
	}{
		{"Basic scheme", http.Header{"Authorization": {"Basic YTpi"}}, core.CodeBadAuthorization},
		{"no token", http.Header{"Authorization": {"Bearer "}}, core.CodeBadAuthorization},
		{"scheme only", http.Header{"Authorization": {"Bearer"}}, core.CodeBadAuthorization},
		{"two tokens", http.Header{"Authorization": {"Bearer " + tok() + " " + tok()}}, core.CodeBadAuthorization},
		{"comma-joined", http.Header{"Authorization": {"Bearer " + tok() + ",x"}}, core.CodeBadAuthorization},
		{"tab inside", http.Header{"Authorization": {"Bearer " + tok() + "\tx"}}, core.CodeBadAuthorization},
		{"duplicate header", http.Header{"Authorization": {"Bearer " + tok(), "Bearer " + tok()}}, core.CodeDuplicateHeader},
		{"oversized", bearer(tok() + strings.Repeat("A", 17<<10)), core.CodeHeaderTooLarge},
		{"two segments", bearer("a.b"), core.CodeMalformedToken},
		{"bad alphabet", bearer(strings.Replace(tok(), "e", "+", 1)), core.CodeMalformedToken},
		{"alg none", bearer(reheaderTok(`{"alg":"none","kid":"x"}`)), core.CodeUnsupportedAlg},
		{"alg HS256 keyed with the JWKS", bearer(hmacAccessToken()), core.CodeUnsupportedAlg},
		{"alg ES256", bearer(reheaderTok(`{"alg":"ES256","kid":"x"}`)), core.CodeUnsupportedAlg},
		{"kid traversal", bearer(reheaderTok(`{"alg":"RS256","kid":"../../x"}`)), core.CodeInvalidKid},
		{"kid missing", bearer(reheaderTok(`{"alg":"RS256"}`)), core.CodeInvalidKid},
		{"jku", bearer(reheaderTok(`{"alg":"RS256","kid":"abc","jku":"https://evil.example"}`)), core.CodeForbiddenParam},
		{"repeated alg", bearer(reheaderTok(`{"alg":"none","kid":"abc","alg":"RS256"}`)), core.CodeMalformedHeader},
		{"unknown kid", bearer(tok(ct.WithAccessHeader("kid", "dW5rbm93bg"))), core.CodeUnknownKid},
		{"tampered", bearer(tok(ct.TamperedAccess())), core.CodeInvalidSignature},
		{"signed by another key", bearer(tok(ct.SignedByOtherRSAKey())), core.CodeInvalidSignature},
		{"signature truncated", bearer(func() string {
			p := segs(tok())
			raw, _ := base64.RawURLEncoding.DecodeString(p[2])
			return p[0] + "." + p[1] + "." + base64.RawURLEncoding.EncodeToString(raw[:100])
		}()), core.CodeInvalidSignature},
		{"other pool", bearer(tok(ct.WithIssuer("https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Other"))), core.CodeIssuerMismatch},
		{"other client", bearer(tok(ct.WithClient("otherclient"))), core.CodeClientMismatch},
		{"id token as access", bearer(tok(ct.WithTokenUse("id"))), core.CodeTokenUse},
		{"expired", bearer(tok(ct.Expired())), core.CodeTokenExpired},
		{"exp missing", bearer(tok(ct.WithAccessClaim("exp", ct.Without))), core.CodeMissingExp},
		{"exp a string", bearer(tok(ct.WithAccessClaim("exp", "9999999999"))), core.CodeInvalidExp},
		{"iat in the future", bearer(tok(ct.WithAccessClaim("iat", time.Now().Add(time.Hour).Unix()))), core.CodeIssuedInFuture},
		{"groups a string", bearer(tok(ct.WithAccessClaim("cognito:groups", "admins"))), core.CodeInvalidGroups},
		{"sub missing", bearer(tok(ct.WithAccessClaim("sub", ct.Without))), core.CodeMissingSub},
		{"client_id a number", bearer(tok(ct.WithAccessClaim("client_id", 5))), core.CodeMalformedClaims},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := authenticate(a, tc.h.Clone())
			if core.CodeOf(err) != tc.want {
				t.Fatalf("code %q, want %q (%v)", core.CodeOf(err), tc.want, err)
			}
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
			req.Header = tc.h.Clone()
			req.Header.Set("Accept", "application/json")
			resp, rerr := http.DefaultClient.Do(req)
			if rerr != nil {
				t.Fatal(rerr)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("X-Test-Code") != string(tc.want) {
				t.Fatalf("router: %d %q", resp.StatusCode, resp.Header.Get("X-Test-Code"))
			}
			if !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
				t.Fatalf("WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
	if !errors.Is(&core.Error{Code: core.CodeBadAuthorization}, &core.Error{Code: core.CodeBadAuthorization}) {
		t.Fatal("code matching")
	}
}
