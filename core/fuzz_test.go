package core_test

import (
	"net/http"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// fuzzAuth builds a BaseAuth for a fuzz target and one valid header set.
func fuzzAuth(f *testing.F) (*core.BaseAuth, ct.Headers) {
	a, _ := newAuth(f, nil)
	h := issuer.Mint(staff)
	if _, err := authenticate(a, h.Header()); err != nil {
		f.Fatal(err)
	}
	return a, h
}

func headerOf(data, access, identity string) http.Header {
	h := http.Header{}
	h[core.HeaderData] = []string{data}
	h[core.HeaderAccessToken] = []string{access}
	h[core.HeaderIdentity] = []string{identity}
	return h
}

// FuzzAuthenticateHeaders feeds arbitrary values for all three headers.
// Nothing may panic, and only the one genuine header set may be accepted.
func FuzzAuthenticateHeaders(f *testing.F) {
	a, h := fuzzAuth(f)
	f.Add(h.Data, h.AccessToken, h.Identity)
	f.Add("a.b.c", "a.b.c", "x")
	f.Add("", "", "")
	f.Add(h.Data+"=", h.AccessToken, h.Identity)
	f.Fuzz(func(t *testing.T, data, access, identity string) {
		u, err := authenticate(a, headerOf(data, access, identity))
		if err == nil && u.Sub != h.Identity {
			t.Fatalf("accepted a header set for sub %q", u.Sub)
		}
		if err != nil && core.CodeOf(err) == "" {
			t.Fatalf("error without a code: %v", err)
		}
	})
}

// FuzzVerifyALBToken mutates x-amzn-oidc-data behind a valid access token.
func FuzzVerifyALBToken(f *testing.F) {
	a, h := fuzzAuth(f)
	f.Add(h.Data)
	f.Add(issuer.Mint(staff, ct.Unpadded()).Data)
	f.Add(issuer.Mint(staff, ct.WithDataHeader("alg", "none")).Data)
	f.Fuzz(func(t *testing.T, data string) {
		u, err := authenticate(a, headerOf(data, h.AccessToken, h.Identity))
		if err == nil && (u.Sub != h.Identity || u.Email != staff.Email) {
			t.Fatalf("mutated ALB token accepted with changed identity %+v", u)
		}
	})
}

// FuzzVerifyAccessToken mutates the access token behind a valid ALB token.
func FuzzVerifyAccessToken(f *testing.F) {
	a, h := fuzzAuth(f)
	f.Add(h.AccessToken)
	f.Add(issuer.Mint(staff, ct.WithAccessClaim("cognito:groups", "admins")).AccessToken)
	f.Add(issuer.Mint(staff, ct.WithAccessHeader("alg", "HS256")).AccessToken)
	f.Fuzz(func(t *testing.T, access string) {
		u, err := authenticate(a, headerOf(h.Data, access, h.Identity))
		if err == nil && (u.Sub != h.Identity || u.IsAdmin()) {
			t.Fatalf("mutated access token accepted with changed identity or groups %+v", u)
		}
	})
}
