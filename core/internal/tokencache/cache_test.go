package tokencache

import (
	"crypto/sha256"
	"fmt"
	"hash/maphash"
	"strings"
	"testing"
	"time"
)

func TestHitComparesFullKey(t *testing.T) {
	c := New[string](100, 1<<20)
	now := time.Now()
	a := Key{A: "data-a", B: "access-a", C: "sub-a"}
	c.Put(&a, "alice", now.Add(time.Hour))
	// Force a collision: plant alice's entry under mallory's hash.
	m := Key{A: "data-m", B: "access-m", C: "sub-m"}
	h := c.Hash(&m)
	s := &c.shards[h%shardCount]
	s.m[h] = &entry[string]{key: a, value: "alice", expires: now.Add(time.Hour)}
	if v, ok := c.Get(&m, now); ok {
		t.Fatalf("hash collision returned %q for another key", v)
	}
	if v, ok := c.Get(&a, now); !ok || v != "alice" {
		t.Fatal("own key missed")
	}
}

func TestExpiry(t *testing.T) {
	c := New[int](100, 1<<20)
	now := time.Now()
	k := Key{A: "a", B: "b", C: "c"}
	c.Put(&k, 1, now.Add(time.Minute))
	if _, ok := c.Get(&k, now.Add(59*time.Second)); !ok {
		t.Fatal("fresh entry missed")
	}
	if _, ok := c.Get(&k, now.Add(time.Minute)); ok {
		t.Fatal("entry returned at its expiry")
	}
}

func TestBoundedEntries(t *testing.T) {
	c := New[int](160, 1<<30)
	exp := time.Now().Add(time.Hour)
	for i := range 10_000 {
		k := Key{A: fmt.Sprint("d", i), B: "b", C: "c"}
		c.Put(&k, i, exp)
	}
	if n := c.Len(); n > 160 {
		t.Fatalf("%d entries, bound 160", n)
	}
	// The newest entries are kept.
	k := Key{A: "d9999", B: "b", C: "c"}
	if v, ok := c.Get(&k, time.Now()); !ok || v != 9999 {
		t.Fatal("newest entry evicted")
	}
}

func TestBoundedBytes(t *testing.T) {
	const budget = 64 << 10
	c := New[int](1_000_000, budget)
	exp := time.Now().Add(time.Hour)
	big := strings.Repeat("x", 1000)
	for i := range 5000 {
		k := Key{A: fmt.Sprint(i, big), B: big, C: "c"}
		c.Put(&k, i, exp)
	}
	if b := c.Bytes(); b > budget {
		t.Fatalf("%d bytes cached, budget %d", b, budget)
	}
	huge := Key{A: strings.Repeat("y", budget)}
	c.Put(&huge, 1, exp)
	if _, ok := c.Get(&huge, time.Now()); ok {
		t.Fatal("an entry larger than a shard's budget was stored")
	}
}

func TestReplaceKeepsAccounting(t *testing.T) {
	c := New[int](100, 1<<20)
	exp := time.Now().Add(time.Hour)
	k := Key{A: "aaaa", B: "b", C: "c"}
	for i := range 50 {
		c.Put(&k, i, exp)
	}
	if c.Len() != 1 || c.Bytes() != 6 {
		t.Fatalf("len %d bytes %d", c.Len(), c.Bytes())
	}
}

// Two ~1 KB tokens, as the ALB sends them.
var benchKey = Key{A: strings.Repeat("eyJhbGciOiJFUzI1NiJ9", 55), B: strings.Repeat("eyJraWQiOiJhYmMifQ", 60), C: "1ade554f-e9ce-4716-9d9a-2d76ca851dd6"}

// BenchmarkKeyMaphash and BenchmarkKeySHA256 measure the cache-key choice.
func BenchmarkKeyMaphash(b *testing.B) {
	seed := maphash.MakeSeed()
	b.ReportAllocs()
	for b.Loop() {
		var h maphash.Hash
		h.SetSeed(seed)
		_, _ = h.WriteString(benchKey.A)
		_, _ = h.WriteString(benchKey.B)
		_, _ = h.WriteString(benchKey.C)
		_ = h.Sum64()
	}
}

func BenchmarkKeySHA256(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		h := sha256.New()
		h.Write([]byte(benchKey.A))
		h.Write([]byte(benchKey.B))
		h.Write([]byte(benchKey.C))
		_ = h.Sum(nil)
	}
}

func BenchmarkGetHit(b *testing.B) {
	c := New[int](100, 1<<20)
	c.Put(&benchKey, 1, time.Now().Add(time.Hour))
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := c.Get(&benchKey, now); !ok {
			b.Fatal("miss")
		}
	}
}

// TestSameTailDifferentToken: keys whose strings share length and tail hash
// alike, but a hit compares the whole strings, so one never returns the
// other's value.
func TestSameTailDifferentToken(t *testing.T) {
	c := New[string](100, 1<<20)
	now := time.Now()
	tail := strings.Repeat("s", 100)
	a := Key{A: "header-one." + tail, B: "access", C: "id"}
	b := Key{A: "header-two." + tail, B: "access", C: "id"}
	if c.Hash(&a) != c.Hash(&b) {
		t.Fatal("expected equal hashes for equal lengths and tails")
	}
	c.Put(&a, "alice", now.Add(time.Hour))
	if v, ok := c.Get(&b, now); ok {
		t.Fatalf("a different token with the same tail returned %q", v)
	}
	if v, ok := c.Get(&a, now); !ok || v != "alice" {
		t.Fatalf("own entry: %q %v", v, ok)
	}
}
