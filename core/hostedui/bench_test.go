package hostedui_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// BenchmarkSessionWarm: an authenticated request carrying a sealed session
// cookie whose access token is already verified (the common case): cookie
// read, AES-GCM open, expiry checks, cached access-token check.
func BenchmarkSessionWarm(b *testing.B) {
	a := newApp(b, nil)
	br := newBrowser(b)
	a.login(br, "/", "alice")
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range sessionCookies(br, a) {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	r := core.HTTPRequest(req)
	ctx := context.Background()
	if _, err := a.base.Authenticate(ctx, r); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.base.Authenticate(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}
