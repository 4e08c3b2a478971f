package bench

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
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

const coldPool = 256

// run measures fn serially and in parallel. fn gets the index of the token
// to use: always 0 for "warm", cycling through the pool for "cold".
func run(b *testing.B, name string, pool int, fn func(i int) error) {
	b.Run(name+"/serial", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := fn(i % pool); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run(name+"/parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if err := fn(i % pool); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}

// requests prepares core.Requests for header sets (outside the timed loop).
func requests(hs []ct.Headers) []core.Request {
	out := make([]core.Request, len(hs))
	for i, h := range hs {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		h.Apply(r)
		out[i] = core.HTTPRequest(r)
	}
	return out
}

// BenchmarkCompare verifies the same tokens with every library, in one run.
func BenchmarkCompare(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	hs := f.mint(coldPool)
	reqs := requests(hs)
	auth0Reqs := make([]*http.Request, len(hs))
	for i, h := range hs {
		auth0Reqs[i] = httptest.NewRequest(http.MethodGet, "/", nil)
		auth0Reqs[i].Header.Set("Authorization", "Bearer "+h.AccessToken)
	}
	// Warm every key cache once.
	for _, h := range hs[:1] {
		_ = f.authenticate(f.ours, h)
		_ = f.authenticate(f.oursCold, h)
		_ = f.oidc.Verify(ctx, h.AccessToken)
		_ = f.jwtk.Verify(ctx, h.AccessToken)
		_ = f.alb.Verify(ctx, h.Data)
	}
	for _, mode := range []struct {
		name string
		pool int
	}{{"warm", 1}, {"cold", coldPool}} {
		ours := f.ours
		if mode.name == "cold" {
			ours = f.oursCold // unique tokens: every request fully verified
		}
		run(b, "cognito-auth-go/alb-headers/"+mode.name, mode.pool, func(i int) error {
			_, err := ours.Authenticate(ctx, reqs[i])
			return err
		})
		run(b, "go-oidc/access-token/"+mode.name, mode.pool, func(i int) error { return f.oidc.Verify(ctx, hs[i].AccessToken) })
		run(b, "golang-jwt+keyfunc/access-token/"+mode.name, mode.pool, func(i int) error { return f.jwtk.Verify(ctx, hs[i].AccessToken) })
		run(b, "auth0-middleware/access-token/"+mode.name, mode.pool, func(i int) error {
			w := httptest.NewRecorder()
			f.auth0.Handler().ServeHTTP(w, auth0Reqs[i])
			if w.Code != http.StatusOK {
				return io.ErrUnexpectedEOF
			}
			return nil
		})
		run(b, "golang-jwt/alb-data/"+mode.name, mode.pool, func(i int) error { return f.alb.Verify(ctx, hs[i].Data) })
	}
	ec, rs := keys(b, f, hs[0])
	run(b, "raw/es256+rs256/cold", coldPool, func(i int) error { return rawVerify(ec, rs, hs[i]) })
}

// rawVerify is the floor: SHA-256 and the two signature checks with the
// standard library, nothing else.
func rawVerify(ec *ecdsa.PublicKey, rs *rsa.PublicKey, h ct.Headers) error {
	d := strings.Split(h.Data, ".")
	sig, _ := base64.URLEncoding.DecodeString(d[2])
	sum := sha256.Sum256([]byte(d[0] + "." + d[1]))
	if !ecdsa.Verify(ec, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return io.ErrUnexpectedEOF
	}
	a := strings.Split(h.AccessToken, ".")
	rsig, _ := base64.RawURLEncoding.DecodeString(a[2])
	sum = sha256.Sum256([]byte(a[0] + "." + a[1]))
	return rsa.VerifyPKCS1v15(rs, crypto.SHA256, sum[:], rsig)
}

func keys(b *testing.B, f *fixture, h ct.Headers) (*ecdsa.PublicKey, *rsa.PublicKey) {
	hdr, _ := base64.URLEncoding.DecodeString(strings.Split(h.Data, ".")[0])
	var jh struct{ Kid string }
	_ = json.Unmarshal(hdr, &jh)
	resp, err := http.Get(f.iss.ALBKeysURL() + "/" + jh.Kid)
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
	var set struct{ Keys []struct{ N, E string } }
	_ = json.Unmarshal(f.iss.JWKS(), &set)
	n, _ := base64.RawURLEncoding.DecodeString(set.Keys[0].N)
	e, _ := base64.RawURLEncoding.DecodeString(set.Keys[0].E)
	return pub.(*ecdsa.PublicKey), &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
}
