package core_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// faultServer serves one misbehaviour and counts requests.
type faultServer struct {
	*httptest.Server
	hits atomic.Int64
}

func newFaultServer(t *testing.T, h http.HandlerFunc) *faultServer {
	t.Helper()
	f := &faultServer{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

const gib = 1 << 30

// faults are key-server misbehaviours. Each must fail closed.
func faults() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"HTTP 500": func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) },
		"HTML page": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, "<html><body>Service Unavailable</body></html>")
		},
		"empty body": func(http.ResponseWriter, *http.Request) {},
		"1 GB body": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(gib))
			chunk := []byte(strings.Repeat("A", 64<<10))
			for sent := 0; sent < gib; sent += len(chunk) {
				if _, err := w.Write(chunk); err != nil || r.Context().Err() != nil {
					return
				}
			}
		},
		"1 GB body, no length": func(w http.ResponseWriter, r *http.Request) {
			chunk := []byte(strings.Repeat("{", 64<<10))
			for sent := 0; sent < gib; sent += len(chunk) {
				if _, err := w.Write(chunk); err != nil || r.Context().Err() != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		},
		"hangs": func(_ http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		},
		"wrong key type": func(w http.ResponseWriter, _ *http.Request) {
			// A P-384 key for the ALB; an EC key in a JWKS.
			_, _ = io.WriteString(w, p384PEM+`{"keys":[{"kty":"EC","crv":"P-256","kid":"k","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}`)
		},
	}
}

const p384PEM = `-----BEGIN PUBLIC KEY-----
MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEwtt5Ucn4uXCVFuRzbKXdH6uzzVdYdWk2
Kd/Q3FEOxd6AzE5WDVqyRwmHmSQAeiJhqlyvAgdR4WPw6u6VDSgq1vOQbD5WASgb
Ktg8LPgyP3eSzkFHnU0p/IM7ex5nGbYM
-----END PUBLIC KEY-----
`

const faultTimeout = 300 * time.Millisecond

func TestALBKeyServerFaultsFailClosed(t *testing.T) {
	for name, h := range faults() {
		t.Run(name, func(t *testing.T) {
			srv := newFaultServer(t, h)
			a, _ := newAuth(t, nil, core.WithALBKeysURL(srv.URL), core.WithFetchTimeout(faultTimeout))
			start := time.Now()
			_, err := authenticate(a, mint())
			elapsed := time.Since(start)
			if err == nil {
				t.Fatal("accepted without a usable key")
			}
			if !errors.Is(err, core.ErrUnavailable) {
				t.Fatalf("want ErrUnavailable, got %v", err)
			}
			if elapsed > faultTimeout+time.Second {
				t.Fatalf("took %v, timeout is %v", elapsed, faultTimeout)
			}
			if n := srv.hits.Load(); n != 1 {
				t.Fatalf("%d fetches for one token", n)
			}
		})
	}
}

func TestJWKSServerFaultsFailClosed(t *testing.T) {
	for name, h := range faults() {
		t.Run(name, func(t *testing.T) {
			srv := newFaultServer(t, h)
			a, _ := newAuth(t, nil, core.WithJWKSURL(srv.URL+"/jwks.json"), core.WithFetchTimeout(faultTimeout))
			start := time.Now()
			_, err := authenticate(a, mint())
			if err == nil || !errors.Is(err, core.ErrUnavailable) {
				t.Fatalf("want ErrUnavailable, got %v", err)
			}
			if elapsed := time.Since(start); elapsed > faultTimeout+time.Second {
				t.Fatalf("took %v", elapsed)
			}
			// The background loader plus this request, then at most one retry
			// a second while no key set has ever loaded.
			for range 20 {
				_, _ = authenticate(a, mint())
			}
			if n, limit := srv.hits.Load(), 2+int64(time.Since(start)/time.Second); n > limit {
				t.Fatalf("%d JWKS fetches in %v (limit %d)", n, time.Since(start), limit)
			}
		})
	}
}

func TestJWKSWithDuplicateKidsIsRejected(t *testing.T) {
	body := string(issuer.JWKS())
	dup := strings.Replace(body, `"keys":[`, `"keys":[`+body[strings.Index(body, "[")+1:strings.LastIndex(body, "]")]+",", 1)
	srv := newFaultServer(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, dup) })
	a, _ := newAuth(t, nil, core.WithJWKSURL(srv.URL+"/jwks.json"))
	if _, err := authenticate(a, mint()); !errors.Is(err, core.ErrUnavailable) {
		t.Fatalf("duplicate kids: want ErrUnavailable, got %v", err)
	}
}

func TestJWKSLastGoodSetSurvivesFailures(t *testing.T) {
	var broken atomic.Bool
	srv := newFaultServer(t, func(w http.ResponseWriter, _ *http.Request) {
		if broken.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		_, _ = w.Write(issuer.JWKS())
	})
	a, _ := newAuth(t, nil, core.WithJWKSURL(srv.URL+"/jwks.json"), core.WithJWKSRefresh(time.Hour, time.Millisecond))
	if _, err := authenticate(a, mint()); err != nil {
		t.Fatal(err)
	}
	broken.Store(true)
	time.Sleep(2 * time.Millisecond)
	// An unknown kid forces a refresh, which fails...
	if _, err := authenticate(a, mint(ct.WithAccessHeader("kid", "dW5rbm93bg"))); !errors.Is(err, core.ErrUnavailable) {
		t.Fatalf("unknown kid with JWKS down: %v", err)
	}
	// ...but known kids keep working from the last good set.
	if _, err := authenticate(a, mint()); err != nil {
		t.Fatalf("last good set lost: %v", err)
	}
}

// TestUnknownKidFloodIsBounded sends 10,000 tokens with random ALB kids
// (behind valid access tokens, so they reach the key fetch) and 1,000 with
// random access-token kids, while a user with a cached kid keeps working.
func TestUnknownKidFloodIsBounded(t *testing.T) {
	iss := ct.Start(t)
	a, _ := newAuth(t, iss)
	good := iss.Mint(staff).Header()
	if _, err := authenticate(a, good); err != nil {
		t.Fatal(err)
	}
	albBefore, jwksBefore := iss.ALBKeyFetches(), iss.JWKSFetches()

	base := iss.Mint(staff)
	var wg sync.WaitGroup
	var accepted, goodFailed atomic.Int64
	work := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				h := base.Header()
				if i < 10000 {
					h.Set(core.HeaderData, reheader(base.Data, `{"typ":"JWT","alg":"ES256","kid":"`+ct.NewUUID()+
						`","signer":"`+iss.ALBARN()+`","iss":"`+iss.IssuerURL()+`","client":"`+iss.ClientID()+
						`","exp":`+itoa(time.Now().Add(time.Hour).Unix())+`}`, true))
				} else {
					h.Set(core.HeaderAccessToken, reheader(base.AccessToken, `{"alg":"RS256","kid":"`+strings.ReplaceAll(ct.NewUUID(), "-", "")+`"}`, false))
				}
				if _, err := authenticate(a, h); err == nil {
					accepted.Add(1)
				}
				if i%500 == 0 {
					if _, err := authenticate(a, good); err != nil {
						goodFailed.Add(1)
					}
				}
			}
		}()
	}
	for i := range 11000 {
		work <- i
	}
	close(work)
	wg.Wait()
	if accepted.Load() != 0 {
		t.Fatalf("%d forged tokens accepted", accepted.Load())
	}
	if goodFailed.Load() != 0 {
		t.Fatalf("the cached user was refused %d times during the flood", goodFailed.Load())
	}
	albFetches, jwksFetches := iss.ALBKeyFetches()-albBefore, iss.JWKSFetches()-jwksBefore
	t.Logf("ALB key fetches: %d for 10,000 unknown kids; JWKS fetches: %d for 1,000 unknown kids", albFetches, jwksFetches)
	if albFetches > 12 {
		t.Fatalf("%d ALB key fetches: the limit allows a burst of 10", albFetches)
	}
	if jwksFetches > 1 {
		t.Fatalf("%d JWKS fetches within one refresh interval", jwksFetches)
	}
}

func TestNoFetchBeforeStaticChecks(t *testing.T) {
	iss := ct.Start(t)
	a, _ := newAuth(t, iss)
	if _, err := authenticate(a, iss.Mint(staff).Header()); err != nil {
		t.Fatal(err)
	}
	before := iss.ALBKeyFetches()
	for _, opt := range []ct.TokenOption{
		ct.WithSigner("arn:aws:elasticloadbalancing:eu-west-2:999999999999:loadbalancer/app/evil/0123456789abcdef"),
		ct.WithDataHeader("kid", "../../x"),
		ct.WithDataHeader("alg", "HS256"),
		ct.WithDataHeader("jku", "https://evil.example"),
		ct.SignedByOtherRSAKey(), // access token forged: the ALB key is never fetched
	} {
		h := iss.Mint(staff, opt, ct.SignedByUnknownALBKey())
		if _, err := authenticate(a, h.Header()); err == nil {
			t.Fatal("accepted")
		}
	}
	if n := iss.ALBKeyFetches() - before; n != 0 {
		t.Fatalf("%d ALB key fetches for tokens that fail static checks or carry a forged access token", n)
	}
}

func TestCallerCancellationDoesNotHang(t *testing.T) {
	srv := newFaultServer(t, faults()["hangs"])
	a, _ := newAuth(t, nil, core.WithALBKeysURL(srv.URL), core.WithFetchTimeout(5*time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header = mint()
	start := time.Now()
	_, err := a.Authenticate(ctx, core.HTTPRequest(r))
	if !errors.Is(err, core.ErrUnavailable) {
		t.Fatalf("want ErrUnavailable, got %v", err)
	}
	if time.Since(start) > time.Second {
		t.Fatal("request waited for the shared fetch past its own deadline")
	}
}

// TestJWKSRecoversQuicklyAfterFailedStart: while no key set has ever loaded,
// a recovered key server is used within about a second, not after the
// one-minute refresh interval.
func TestJWKSRecoversQuicklyAfterFailedStart(t *testing.T) {
	var up atomic.Bool
	srv := newFaultServer(t, func(w http.ResponseWriter, _ *http.Request) {
		if !up.Load() {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write(issuer.JWKS())
	})
	a, _ := newAuth(t, nil, core.WithJWKSURL(srv.URL+"/jwks.json"))
	if _, err := authenticate(a, mint()); !errors.Is(err, core.ErrUnavailable) {
		t.Fatalf("key server down: %v", err)
	}
	up.Store(true)
	deadline := time.Now().Add(3 * time.Second)
	for {
		_, err := authenticate(a, mint())
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still refused 3s after the key server recovered: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
