package core_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

func TestPaddedALBTokenPassesAndStrippedFails(t *testing.T) {
	a, _ := newAuth(t, nil)
	h := issuer.Mint(staff, ct.Unpadded()) // Unpadded guarantees padding in the signed text
	padded := issuer.Mint(ct.User{Sub: h.Identity, Email: staff.Email, Groups: staff.Groups})
	p := segs(padded.Data)
	if !strings.Contains(p[0]+p[1], "=") {
		// Mint until the signed segments carry padding, as real ALB tokens often do.
		for i := 0; i < 50 && !strings.Contains(p[0]+p[1], "="); i++ {
			padded = issuer.Mint(ct.User{Email: strings.Repeat("a", i) + "@example.com"})
			p = segs(padded.Data)
		}
	}
	if !strings.Contains(p[0]+p[1], "=") {
		t.Fatal("could not mint a token with padding in its signed segments")
	}
	if _, err := authenticate(a, padded.Header()); err != nil {
		t.Fatalf("real-format padded token refused: %v", err)
	}
	stripped := padded
	stripped.Data = strings.ReplaceAll(padded.Data, "=", "")
	_, err := authenticate(a, stripped.Header())
	if core.CodeOf(err) != core.CodeInvalidSignature {
		t.Fatalf("stripped token: want invalid_signature, got %v", err)
	}
}

func TestValidUser(t *testing.T) {
	a, _ := newAuth(t, nil)
	in := ct.User{
		Email: "Bob@Example.com", Name: "Bob Builder", GivenName: "Bob", FamilyName: "Builder",
		Groups: []string{"staff", "admins"},
	}
	h := issuer.Mint(in, ct.ExpiresIn(30*time.Minute))
	u, err := authenticate(a, h.Header())
	if err != nil {
		t.Fatal(err)
	}
	if u.Sub != h.Identity || u.Username != h.Identity || u.Email != in.Email || u.Name != in.Name ||
		u.GivenName != "Bob" || u.FamilyName != "Builder" || !u.EmailVerified || u.Issuer != issuer.IssuerURL() {
		t.Fatalf("user %+v", u)
	}
	if !slices.Equal(u.Groups, in.Groups) || !u.IsIn("staff") || u.IsIn("Staff") || !u.IsAdmin() || u.IsAppAdmin() || u.IsMock() {
		t.Fatalf("groups/methods wrong: %+v", u)
	}
	if u.EmailDomain() != "example.com" {
		t.Fatalf("domain %q", u.EmailDomain())
	}
	if d := time.Until(u.ExpiresAt); d < 29*time.Minute || d > 31*time.Minute {
		t.Fatalf("ExpiresAt %v", u.ExpiresAt)
	}
	if u.DataClaims()["email"] != in.Email || u.AccessClaims()["token_use"] != "access" {
		t.Fatalf("raw claims: %v %v", u.DataClaims(), u.AccessClaims())
	}
	// Copies: changing what one caller got never changes the next.
	u.Groups[0] = "changed"
	u.DataClaims()["email"] = "x"
	u2, err := authenticate(a, h.Header())
	if err != nil {
		t.Fatal(err)
	}
	if u2 == u || u2.Groups[0] != "staff" || u2.DataClaims()["email"] != in.Email {
		t.Fatal("cached user is shared mutable state")
	}
}

func TestEmailVerifiedForms(t *testing.T) {
	a, _ := newAuth(t, nil)
	for _, v := range []any{true, "true"} {
		u, err := authenticate(a, mint(ct.WithDataClaim("email_verified", v)))
		if err != nil || !u.EmailVerified {
			t.Fatalf("email_verified %#v: %v %v", v, u, err)
		}
	}
	lenient, _ := newAuth(t, nil, core.WithAllowUnverifiedEmail())
	for _, v := range []any{false, "false", "TRUE", 1, nil} {
		u, err := authenticate(lenient, mint(ct.WithDataClaim("email_verified", v)))
		if err != nil || u.EmailVerified {
			t.Fatalf("email_verified %#v with unverified allowed: %+v %v", v, u, err)
		}
	}
	// A user with no email at all is not an unverified-email user.
	u, err := authenticate(a, mint(ct.WithDataClaim("email", ct.Without), ct.WithDataClaim("email_verified", ct.Without)))
	if err != nil || u.Email != "" {
		t.Fatalf("no-email user: %v %v", u, err)
	}
}

func TestNoGroupsAndNullGroups(t *testing.T) {
	a, _ := newAuth(t, nil)
	for _, opt := range []ct.TokenOption{ct.WithAccessClaim("cognito:groups", ct.Without), ct.WithAccessClaim("cognito:groups", []string{})} {
		u, err := authenticate(a, mint(opt))
		if err != nil || len(u.Groups) != 0 {
			t.Fatalf("%v %v", u, err)
		}
	}
}

func TestGroupsOnlyFromAccessToken(t *testing.T) {
	a, _ := newAuth(t, nil)
	u, err := authenticate(a, mint(ct.WithDataClaim("cognito:groups", []string{"admins"})))
	if err != nil {
		t.Fatal(err)
	}
	if u.IsAdmin() {
		t.Fatal("groups taken from the data token")
	}
}

func TestLeeway(t *testing.T) {
	a, _ := newAuth(t, nil, core.WithLeeway(time.Minute))
	if _, err := authenticate(a, mint(ct.ExpiresIn(-30*time.Second))); err != nil {
		t.Fatalf("expired 30s ago within 1m leeway: %v", err)
	}
	if _, err := authenticate(a, mint(ct.ExpiresIn(-2*time.Minute))); !errors.Is(err, core.ErrExpiredToken) {
		t.Fatalf("expired 2m ago: %v", err)
	}
	if _, err := authenticate(a, mint(ct.WithAccessClaim("iat", time.Now().Add(30*time.Second).Unix()))); err != nil {
		t.Fatalf("iat 30s ahead within leeway: %v", err)
	}
}

func TestCacheHonoursExpiry(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	a, _ := newAuth(t, nil, core.WithClock(clock), core.WithLeeway(0))
	h := mint(ct.ExpiresIn(10 * time.Minute))
	if _, err := authenticate(a, h); err != nil {
		t.Fatal(err)
	}
	before := issuer.JWKSFetches() + issuer.ALBKeyFetches()
	if _, err := authenticate(a, h); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(11 * time.Minute)
	mu.Unlock()
	if _, err := authenticate(a, h); !errors.Is(err, core.ErrExpiredToken) {
		t.Fatalf("cached token served after exp: %v", err)
	}
	if after := issuer.JWKSFetches() + issuer.ALBKeyFetches(); after != before {
		t.Fatalf("re-verification fetched keys (%d -> %d)", before, after)
	}
}

func TestKeyRotation(t *testing.T) {
	iss := ct.Start(t)
	a, _ := newAuth(t, iss, core.WithJWKSRefresh(time.Hour, time.Millisecond))
	if _, err := authenticate(a, iss.Mint(staff).Header()); err != nil {
		t.Fatal(err)
	}
	if _, err := iss.RotateALBKey(); err != nil {
		t.Fatal(err)
	}
	if _, err := iss.RotateRSAKey(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := authenticate(a, iss.Mint(staff).Header()); err != nil {
		t.Fatalf("rotated keys: %v", err)
	}
	// Dropping retired keys from the JWKS does not disturb current tokens.
	iss.DropOldRSAKeys()
	if _, err := authenticate(a, iss.Mint(staff).Header()); err != nil {
		t.Fatal(err)
	}
}

func TestDisabledTokenCacheStillVerifies(t *testing.T) {
	a, _ := newAuth(t, nil, core.WithTokenCache(0, 0))
	h := mint()
	for range 3 {
		if _, err := authenticate(a, h); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := authenticate(a, mint(ct.TamperedAccess())); err == nil {
		t.Fatal("tampered token accepted with cache off")
	}
}

func TestClientIDOptional(t *testing.T) {
	opts := append(issuer.Options(), core.WithClientIDs(), core.WithLogger(testLogger(&syncBuffer{})))
	a, err := core.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := authenticate(a, mint(ct.WithClient("anotherclient"))); err != nil {
		t.Fatalf("no client pinned, any client accepted: %v", err)
	}
}

func TestUserFromContext(t *testing.T) {
	if u, ok := core.UserFromContext(t.Context()); ok || u != nil {
		t.Fatal("empty context has a user")
	}
	m := core.MockUser("x@example.com", "admins")
	ctx := ct.ContextWithUser(t.Context(), m)
	if u, ok := core.UserFromContext(ctx); !ok || u != m {
		t.Fatal("user not found")
	}
	var nilUser *core.User
	if nilUser.IsAdmin() || nilUser.IsIn("x") || nilUser.EmailDomain() != "" || nilUser.String() != "" {
		t.Fatal("nil user methods")
	}
}

func TestRequestAdapter(t *testing.T) {
	r, _ := http.NewRequest(http.MethodGet, "http://x/p/q?z=1", nil)
	r.Header.Add("x-amzn-oidc-data", "a")
	r.Header.Add("X-AMZN-OIDC-DATA", "b")
	r.AddCookie(&http.Cookie{Name: "s", Value: "v"})
	req := core.HTTPRequest(r)
	if got := req.HeaderValues(core.HeaderData); len(got) != 2 {
		t.Fatalf("duplicates hidden: %v", got)
	}
	if v, ok := req.Cookie("s"); !ok || v != "v" {
		t.Fatal("cookie")
	}
	if req.Path() != "/p/q" {
		t.Fatal(req.Path())
	}
}
