// Package tokencache remembers the outcome of verifying a set of token
// strings, so that a repeated request skips the signature checks.
//
// Entries are found by a keyed hash of the token strings' lengths and tails
// (hash/maphash with a per-cache random seed), but a hit always compares the
// full strings, so a hash collision can never return another token's result. The cache is
// bounded in entries and in bytes, and an entry is never returned after its
// expiry.
package tokencache

import (
	"encoding/binary"
	"hash/maphash"
	"sync"
	"time"
)

const shardCount = 16

// Key is the set of strings a cached result was verified from.
type Key struct {
	A, B, C string
}

func (k *Key) size() int { return len(k.A) + len(k.B) + len(k.C) }

type entry[V any] struct {
	key     Key
	value   V
	expires time.Time
}

type shard[V any] struct {
	mu         sync.RWMutex
	m          map[uint64]*entry[V]
	order      []uint64 // insertion order, for eviction
	bytes      int
	maxEntries int
	maxBytes   int
}

// Cache maps verified token sets to values of type V.
type Cache[V any] struct {
	seed   maphash.Seed
	shards [shardCount]shard[V]
}

// New returns a cache holding at most maxEntries entries whose token strings
// total at most maxBytes.
func New[V any](maxEntries, maxBytes int) *Cache[V] {
	c := &Cache[V]{seed: maphash.MakeSeed()}
	perEntries := max(1, maxEntries/shardCount)
	perBytes := max(1, maxBytes/shardCount)
	for i := range c.shards {
		c.shards[i] = shard[V]{m: make(map[uint64]*entry[V]), maxEntries: perEntries, maxBytes: perBytes}
	}
	return c
}

// hashTail is how much of each string's end is hashed. Tokens end in their
// signature, which differs for every token (ECDSA signatures even for the
// same claims), so the tail finds entries as well as the whole string would,
// at a fraction of the cost for tokens of several KB. A hit still compares
// the full strings, so two keys with the same tails can only miss or
// replace each other, never return each other's value.
const hashTail = 64

// Hash returns the lookup hash of k: the seeded hash of each string's length
// and last hashTail bytes.
func (c *Cache[V]) Hash(k *Key) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	for _, s := range [...]string{k.A, k.B, k.C} {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		_, _ = h.Write(n[:])
		_, _ = h.WriteString(s[max(0, len(s)-hashTail):])
	}
	return h.Sum64()
}

// Get returns the value stored for exactly k if it has not expired at now.
func (c *Cache[V]) Get(k *Key, now time.Time) (V, bool) {
	h := c.Hash(k)
	s := &c.shards[h%shardCount]
	s.mu.RLock()
	e := s.m[h]
	s.mu.RUnlock()
	if e == nil || e.key != *k || !now.Before(e.expires) {
		var zero V
		return zero, false
	}
	return e.value, true
}

// Put stores v for k until expires. Entries larger than a shard's byte budget
// are not stored.
func (c *Cache[V]) Put(k *Key, v V, expires time.Time) {
	h := c.Hash(k)
	s := &c.shards[h%shardCount]
	size := k.size()
	if size > s.maxBytes {
		return
	}
	e := &entry[V]{key: *k, value: v, expires: expires}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[h]; ok {
		s.bytes -= old.key.size()
		s.m[h] = e
		s.bytes += size
		return
	}
	for len(s.order) > 0 && (len(s.m) >= s.maxEntries || s.bytes+size > s.maxBytes) {
		victim := s.order[0]
		s.order = s.order[1:]
		if old, ok := s.m[victim]; ok {
			s.bytes -= old.key.size()
			delete(s.m, victim)
		}
	}
	s.m[h] = e
	s.bytes += size
	s.order = append(s.order, h)
	// Compact the order slice when stale keys (replaced entries) pile up.
	if len(s.order) > 2*s.maxEntries+16 {
		live := s.order[:0]
		for _, k := range s.order {
			if _, ok := s.m[k]; ok {
				live = append(live, k)
			}
		}
		s.order = live
	}
}

// Len reports the number of entries.
func (c *Cache[V]) Len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}

// Bytes reports the total size of the cached token strings.
func (c *Cache[V]) Bytes() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += s.bytes
		s.mu.RUnlock()
	}
	return n
}
