package bench

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// resignedBatch is how many re-signed data tokens are minted at a time,
// outside the timed region.
const resignedBatch = 1024

// resigned mints n data tokens for one user, each freshly signed as the ALB
// re-signs them (at least every two minutes, perhaps on every request), all
// with the same access token, as behind a real ALB.
func resigned(f *fixture, first ct.Headers, n int) []ct.Headers {
	out := make([]ct.Headers, n)
	for i := range out {
		out[i] = f.iss.Mint(ct.User{Sub: first.Identity, Email: "bench@example.com", Groups: []string{"staff"}},
			ct.WithRawAccessToken(first.AccessToken))
	}
	return out
}

// es256 is the floor for one data token: SHA-256 and one ECDSA P-256
// verification with the standard library, nothing else.
func es256(ec *ecdsa.PublicKey, data string) error {
	d := strings.Split(data, ".")
	sig, _ := base64.URLEncoding.DecodeString(d[2])
	sum := sha256.Sum256([]byte(d[0] + "." + d[1]))
	if !ecdsa.Verify(ec, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return io.ErrUnexpectedEOF
	}
	return nil
}

// BenchmarkRealistic is the request a real ALB sends most: a data token
// never seen before (re-signed by the ALB) with an access token already
// verified. Every iteration gets a new data token, for every contender,
// in one run:
//
//   - cognito-auth-go: the whole request (data token, access token,
//     identity, cross-checks, User) with caches on, as deployed;
//   - raw ES256: the floor, one standard-library verification of the same
//     data token;
//   - golang-jwt (padding allowed): an alternative verifying the data token
//     alone.
func BenchmarkRealistic(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	first := f.mint(1)[0]
	if err := f.authenticate(f.ours, first); err != nil { // the access token is now known
		b.Fatal(err)
	}
	ec, _ := keys(b, f, first)
	contenders := []struct {
		name string
		fn   func(h ct.Headers, r core.Request) error
	}{
		{"cognito-auth-go/new-data-token+known-access-token", func(_ ct.Headers, r core.Request) error {
			_, err := f.ours.Authenticate(ctx, r)
			return err
		}},
		{"raw/es256/data-token", func(h ct.Headers, _ core.Request) error { return es256(ec, h.Data) }},
		{"golang-jwt/alb-data/data-token", func(h ct.Headers, _ core.Request) error { return f.alb.Verify(ctx, h.Data) }},
	}
	for _, c := range contenders {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var batch []ct.Headers
			var reqs []core.Request
			i := 0
			for b.Loop() {
				if i == len(batch) {
					b.StopTimer()
					batch = resigned(f, first, resignedBatch)
					reqs = reqs[:0]
					for _, h := range batch {
						r := httptest.NewRequest(http.MethodGet, "/", nil)
						h.Apply(r)
						reqs = append(reqs, core.HTTPRequest(r))
					}
					i = 0
					b.StartTimer()
				}
				if err := c.fn(batch[i], reqs[i]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
