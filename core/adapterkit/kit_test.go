package adapterkit_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/adapterkit"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

func newKit(t *testing.T, iss *ct.Issuer, bypass ...string) *adapterkit.Kit {
	t.Helper()
	k, err := adapterkit.New(adapterkit.Config{
		CoreOptions: append(iss.Options(), core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))),
		Bypass:      bypass,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k.Close() })
	return k
}

// TestCheck: the one decision. A user this kit verified is authorised
// (rules apply); a user planted with cognitotest.ContextWithUser, or verified by
// another kit's BaseAuth, is not trusted: the request is authenticated.
func TestCheck(t *testing.T) {
	iss := ct.Start(t)
	k, other := newKit(t, iss, "/health"), newKit(t, iss)
	staff := iss.Mint(ct.User{Email: "alice@example.com", Groups: []string{"staff"}})
	req := func(h http.Header) core.Request {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		for name, v := range h {
			r.Header[name] = v
		}
		return core.HTTPRequest(r)
	}
	planted := ct.ContextWithUser(context.Background(), core.MockUser("root@example.com", "admins"))
	if _, _, err := k.Check(planted, req(nil), nil); core.CodeOf(err) != core.CodeMissingToken {
		t.Fatalf("planted user, no headers: %v", err)
	}
	if k.StoredUser(planted) != nil {
		t.Fatal("StoredUser trusted a planted user")
	}
	u, fresh, err := k.Check(context.Background(), req(staff.Header()), nil)
	if err != nil || !fresh || u.Email != "alice@example.com" {
		t.Fatalf("first check: %v %v %v", u, fresh, err)
	}
	ctx := k.StoreUser(context.Background(), u)
	if got, fresh, err := k.Check(ctx, req(nil), nil); err != nil || fresh || got != u {
		t.Fatalf("stored user: %v %v %v", got, fresh, err)
	}
	if _, _, err := k.Check(ctx, req(nil), []core.Rule{core.AllowGroups("admins")}); core.CodeOf(err) != core.CodeRouteForbidden {
		t.Fatalf("stored user, rule: %v", err)
	}
	if other.StoredUser(ctx) != nil {
		t.Fatal("another BaseAuth trusted this kit's user")
	}
	if got, ok := core.UserFromContext(ctx); !ok || got != u {
		t.Fatal("core.UserFromContext lost the stored user")
	}
	for path, want := range map[string]bool{"/health": true, "/health/": true, "/healthz": false, "/HEALTH": false, "/": false} {
		if k.Bypassed(path) != want {
			t.Errorf("Bypassed(%q) = %v", path, !want)
		}
	}
}
