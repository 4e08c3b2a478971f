package keys

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Unix(0, 0)
	l := newLimiter(3, time.Second, func() time.Time { return now })
	for i := range 3 {
		if !l.allow() {
			t.Fatalf("burst token %d refused", i)
		}
	}
	if l.allow() {
		t.Fatal("fourth token allowed")
	}
	now = now.Add(time.Second)
	if !l.allow() || l.allow() {
		t.Fatal("refill is one per second")
	}
	now = now.Add(time.Hour)
	n := 0
	for l.allow() {
		n++
	}
	if n != 3 {
		t.Fatalf("refill capped at burst: got %d", n)
	}
}

func pemOf(t *testing.T, curve elliptic.Curve) []byte {
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func newALB(t *testing.T, h http.HandlerFunc) (*ALB, *atomic.Int64) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1); h(w, r) }))
	t.Cleanup(srv.Close)
	return NewALB(ALBConfig{
		BaseURL: srv.URL, Fetcher: NewFetcher(srv.Client(), time.Second, 1<<16),
		MaxKeys: 2, MissBurst: 100, MissEvery: time.Second, NegativeTTL: time.Minute, Now: time.Now, Lifetime: context.Background(),
	}), &hits
}

func TestALBCachesAndBounds(t *testing.T) {
	p256 := pemOf(t, elliptic.P256())
	a, hits := newALB(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(p256) })
	ctx := context.Background()
	for range 3 {
		if _, err := a.Key(ctx, "k1", ""); err != nil {
			t.Fatal(err)
		}
	}
	if hits.Load() != 1 {
		t.Fatalf("%d fetches for one kid", hits.Load())
	}
	_, _ = a.Key(ctx, "k2", "")
	_, _ = a.Key(ctx, "k3", "") // evicts k1 (MaxKeys 2)
	_, _ = a.Key(ctx, "k1", "")
	if hits.Load() != 4 {
		t.Fatalf("cache not bounded: %d fetches", hits.Load())
	}
}

func TestALBSingleflight(t *testing.T) {
	p256 := pemOf(t, elliptic.P256())
	release := make(chan struct{})
	a, hits := newALB(t, func(w http.ResponseWriter, _ *http.Request) { <-release; _, _ = w.Write(p256) })
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = a.Key(context.Background(), "same", "") }()
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if hits.Load() != 1 {
		t.Fatalf("%d fetches for 50 concurrent requests of one kid", hits.Load())
	}
}

func TestALBNegativeCacheAndKeyType(t *testing.T) {
	p384 := pemOf(t, elliptic.P384())
	a, hits := newALB(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "missing") {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(p384)
	})
	ctx := context.Background()
	for range 5 {
		if _, err := a.Key(ctx, "missing", ""); !errors.Is(err, ErrUnknownKid) {
			t.Fatal(err)
		}
	}
	if hits.Load() != 1 {
		t.Fatalf("unknown kid fetched %d times", hits.Load())
	}
	if _, err := a.Key(ctx, "p384", ""); !errors.Is(err, ErrBadKey) {
		t.Fatalf("P-384 key accepted: %v", err)
	}
}
