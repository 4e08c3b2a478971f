package bench

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// fixture is one issuer and every verifier, built once per test binary.
type fixture struct {
	iss      *ct.Issuer
	ours     *core.BaseAuth
	oursCold *core.BaseAuth
	oidc     *GoOIDC
	jwtk     *JWTKeyfunc
	auth0    *Auth0Middleware
	alb      *JWTALB
}

// mint returns n unique header sets. Access tokens carry aud = client id
// (auth0's validator requires an audience; the others ignore it).
func (f *fixture) mint(n int) []ct.Headers {
	out := make([]ct.Headers, n)
	for i := range out {
		out[i] = f.iss.Mint(ct.User{Email: "bench@example.com", Groups: []string{"staff"}},
			ct.WithAccessClaim("aud", f.iss.ClientID()))
	}
	return out
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	iss, err := ct.New()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(iss.Close)
	quiet := core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	ours, err := core.New(append(iss.Options(), quiet)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = ours.Close() })
	oursCold, err := core.New(append(iss.Options(), quiet, core.WithTokenCache(0, 0))...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = oursCold.Close() })
	ctx := context.Background()
	jwtk, err := NewJWTKeyfunc(ctx, iss.IssuerURL(), iss.JWKSURL(), iss.ClientID())
	if err != nil {
		tb.Fatal(err)
	}
	a0, err := NewAuth0Middleware(iss.IssuerURL(), iss.JWKSURL(), iss.ClientID())
	if err != nil {
		tb.Fatal(err)
	}
	return &fixture{
		iss: iss, ours: ours, oursCold: oursCold,
		oidc: NewGoOIDC(ctx, iss.IssuerURL(), iss.JWKSURL(), iss.ClientID()),
		jwtk: jwtk, auth0: a0, alb: NewJWTALB(iss.ALBKeysURL(), iss.ALBARN()),
	}
}

func (f *fixture) authenticate(a *core.BaseAuth, h ct.Headers) error {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	h.Apply(r)
	_, err := a.Authenticate(context.Background(), core.HTTPRequest(r))
	return err
}

func (f *fixture) auth0Status(token string) int {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	f.auth0.Handler().ServeHTTP(w, r)
	return w.Code
}

// TestVerifiersAgree checks every verifier accepts the real tokens and
// refuses forged ones, so the benchmarks compare verifiers that work.
func TestVerifiersAgree(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	good := f.mint(1)[0]
	aud := ct.WithAccessClaim("aud", f.iss.ClientID())
	bad := map[string]ct.Headers{
		"tampered":   f.iss.Mint(ct.User{}, aud, ct.TamperedAccess(), ct.TamperedData()),
		"expired":    f.iss.Mint(ct.User{}, aud, ct.Expired()),
		"other pool": f.iss.Mint(ct.User{}, aud, ct.WithIssuer("https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Other")),
	}
	if err := f.authenticate(f.ours, good); err != nil {
		t.Fatalf("cognito-auth-go: %v", err)
	}
	for name, v := range map[string]Verifier{"go-oidc": f.oidc, "golang-jwt+keyfunc": f.jwtk} {
		if err := v.Verify(ctx, good.AccessToken); err != nil {
			t.Fatalf("%s refused a valid token: %v", name, err)
		}
		for what, h := range bad {
			if v.Verify(ctx, h.AccessToken) == nil {
				t.Fatalf("%s accepted a %s token", name, what)
			}
		}
	}
	if code := f.auth0Status(good.AccessToken); code != http.StatusOK {
		t.Fatalf("auth0 middleware refused a valid token: %d", code)
	}
	if err := f.alb.Verify(ctx, good.Data); err != nil {
		t.Fatalf("golang-jwt ALB refused a valid token: %v", err)
	}
	for what, h := range bad {
		if f.authenticate(f.ours, h) == nil {
			t.Fatalf("cognito-auth-go accepted a %s header set", what)
		}
		if f.auth0Status(h.AccessToken) == http.StatusOK {
			t.Fatalf("auth0 middleware accepted a %s token", what)
		}
		if what == "tampered" && f.alb.Verify(ctx, h.Data) == nil {
			t.Fatalf("golang-jwt ALB accepted a tampered token")
		}
	}
}
