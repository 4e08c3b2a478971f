package adapterkit_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/adapterkit"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// BenchmarkAdmitBearer is what every adapter does per request or RPC for a
// bearer access token seen before (an API client, a gRPC or Connect call):
// Check (the verified-token cache hit), then Admit (the user in the
// context, bounded by the token's expiry), split so each part's cost shows.
func BenchmarkAdmitBearer(b *testing.B) {
	iss := ct.Start(b)
	k, err := adapterkit.New(adapterkit.Config{CoreOptions: append(iss.Options(), core.WithBearer(true),
		core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = k.Close() })
	r, err := http.NewRequest(http.MethodGet, "http://app/", nil)
	if err != nil {
		b.Fatal(err)
	}
	r.Header.Set("Authorization", "Bearer "+iss.Mint(ct.User{Username: "alice", Groups: []string{"staff"}}).AccessToken)
	req, ctx := core.HTTPRequest(r), context.Background()
	u, _, err := k.Check(ctx, req, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("check", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := k.Check(ctx, req, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("admit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, cancel := k.Admit(ctx, u)
			cancel()
		}
	})
	b.Run("both", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			u, _, err := k.Check(ctx, req, nil)
			if err != nil {
				b.Fatal(err)
			}
			_, cancel := k.Admit(ctx, u)
			cancel()
		}
	})
}
