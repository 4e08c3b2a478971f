package core_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// benchRequests mints n unique header sets as reusable core.Requests.
func benchRequests(b *testing.B, n int) ([]core.Request, []ct.Headers) {
	b.Helper()
	reqs := make([]core.Request, n)
	hs := make([]ct.Headers, n)
	for i := range n {
		hs[i] = issuer.Mint(ct.User{Email: "bench@example.com", Groups: []string{"staff", "admins"}})
		r, _ := http.NewRequest(http.MethodGet, "http://app/", nil)
		hs[i].Apply(r)
		reqs[i] = core.HTTPRequest(r)
	}
	return reqs, hs
}

func benchAuth(b *testing.B, opts ...core.Option) *core.BaseAuth {
	b.Helper()
	all := append(issuer.Options(), core.WithLogger(testLogger(io.Discard)))
	a, err := core.New(append(all, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = a.Close() })
	return a
}

// BenchmarkAuthenticateWarm: the same token again (verified-token cache hit).
func BenchmarkAuthenticateWarm(b *testing.B) { benchWarm(b) }

// BenchmarkAuthenticateWarmObserved: the warm path with an observer that
// does nothing, the cost of the calls themselves (a decision and a cache
// event, and the clock reads).
func BenchmarkAuthenticateWarmObserved(b *testing.B) {
	benchWarm(b, core.WithObserver(core.NopObserver{}))
}

func benchWarm(b *testing.B, opts ...core.Option) {
	b.Helper()
	a := benchAuth(b, opts...)
	reqs, _ := benchRequests(b, 1)
	ctx := context.Background()
	if _, err := a.Authenticate(ctx, reqs[0]); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Authenticate(ctx, reqs[0]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAuthenticateWarmParallel(b *testing.B) {
	a := benchAuth(b)
	reqs, _ := benchRequests(b, 16)
	ctx := context.Background()
	for _, r := range reqs {
		if _, err := a.Authenticate(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := a.Authenticate(ctx, reqs[i%len(reqs)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkAuthenticateCold: every request runs the full verification
// (unique tokens, cache off), with keys already fetched.
func BenchmarkAuthenticateCold(b *testing.B) {
	a := benchAuth(b, core.WithTokenCache(0, 0))
	reqs, _ := benchRequests(b, 64)
	ctx := context.Background()
	if _, err := a.Authenticate(ctx, reqs[0]); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := a.Authenticate(ctx, reqs[i%len(reqs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkAuthenticateColdParallel(b *testing.B) {
	a := benchAuth(b, core.WithTokenCache(0, 0))
	reqs, _ := benchRequests(b, 64)
	ctx := context.Background()
	if _, err := a.Authenticate(ctx, reqs[0]); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := a.Authenticate(ctx, reqs[i%len(reqs)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkRawSignatures is the floor for the cold path: the ES256 and RS256
// signature checks alone (SHA-256 plus verification with the standard
// library), on the same tokens, with keys already parsed.
func BenchmarkRawSignatures(b *testing.B) {
	_, hs := benchRequests(b, 64)
	ecKey, rsaKey := issuerKeys(b)
	type pair struct {
		ecIn, rsaIn []byte
		r, s        *big.Int
		rsaSig      []byte
	}
	pairs := make([]pair, len(hs))
	for i, h := range hs {
		d := strings.Split(h.Data, ".")
		sig, _ := base64.URLEncoding.DecodeString(d[2])
		acc := strings.Split(h.AccessToken, ".")
		rsaSig, _ := base64.RawURLEncoding.DecodeString(acc[2])
		pairs[i] = pair{
			ecIn: []byte(d[0] + "." + d[1]), rsaIn: []byte(acc[0] + "." + acc[1]),
			r: new(big.Int).SetBytes(sig[:32]), s: new(big.Int).SetBytes(sig[32:]), rsaSig: rsaSig,
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := &pairs[i%len(pairs)]
		d1 := sha256.Sum256(p.ecIn)
		if !ecdsa.Verify(ecKey, d1[:], p.r, p.s) {
			b.Fatal("ES256")
		}
		d2 := sha256.Sum256(p.rsaIn)
		if err := rsa.VerifyPKCS1v15(rsaKey, crypto.SHA256, d2[:], p.rsaSig); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// issuerKeys fetches the issuer's current public keys over HTTP, as core does.
func issuerKeys(b *testing.B) (*ecdsa.PublicKey, *rsa.PublicKey) {
	h := issuer.Mint(staff)
	hdr, _ := base64.URLEncoding.DecodeString(strings.Split(h.Data, ".")[0])
	var jh struct{ Kid string }
	_ = json.Unmarshal(hdr, &jh)
	resp, err := http.Get(issuer.ALBKeysURL() + "/" + jh.Kid)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	blk, _ := pem.Decode(body)
	pub, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		b.Fatal(err)
	}
	var set struct {
		Keys []struct{ N, E string }
	}
	_ = json.Unmarshal(issuer.JWKS(), &set)
	last := set.Keys[len(set.Keys)-1]
	n, _ := base64.RawURLEncoding.DecodeString(last.N)
	e, _ := base64.RawURLEncoding.DecodeString(last.E)
	return pub.(*ecdsa.PublicKey), &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
}
