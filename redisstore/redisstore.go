// Package redisstore keeps cognito-auth-go hosted-UI sessions in Redis
// (github.com/redis/go-redis/v9): logout revokes a session everywhere, a
// replayed cookie is refused, and every app instance shares the sessions.
// It is a separate module so that only apps that use it compile go-redis.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	ui, err := hostedui.New(verifier, hostedui.WithStore(redisstore.New(rdb)))
package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// DefaultPrefix namespaces the keys.
const DefaultPrefix = "cognito-auth:session:"

// Store is a hostedui.Store backed by Redis.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
}

// Option configures a Store.
type Option func(*Store)

// WithPrefix sets the key prefix (default "cognito-auth:session:").
func WithPrefix(p string) Option { return func(s *Store) { s.prefix = p } }

// New returns a Store using rdb (a client, a cluster client or a failover
// client). Sessions expire in Redis with the session's own lifetime.
func New(rdb redis.UniversalClient, opts ...Option) *Store {
	s := &Store{rdb: rdb, prefix: DefaultPrefix}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Get implements hostedui.Store.
func (s *Store) Get(ctx context.Context, id string) ([]byte, error) {
	b, err := s.rdb.Get(ctx, s.prefix+id).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, hostedui.ErrNotFound
	}
	return b, err
}

// Set implements hostedui.Store.
func (s *Store) Set(ctx context.Context, id string, data []byte, ttl time.Duration) error {
	if ttl <= 0 {
		return s.Delete(ctx, id)
	}
	return s.rdb.Set(ctx, s.prefix+id, data, ttl).Err()
}

// swapScript replaces KEYS[1] with ARGV[2] (expiring in ARGV[3]
// milliseconds) only while it holds exactly ARGV[1]. Redis runs a script
// atomically, so no other client's write can land between the compare and
// the set (https://redis.io/docs/latest/develop/programmability/eval-intro/).
// It answers 1 when swapped, 0 when the value differs, -1 when there is none.
var swapScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if not cur then return -1 end
if cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`)

// Swap implements hostedui.Store: a compare-and-swap in one Lua script.
func (s *Store) Swap(ctx context.Context, id string, old, data []byte, ttl time.Duration) error {
	if ttl <= 0 {
		ttl = time.Millisecond // expire at once, still only if unchanged
	}
	n, err := swapScript.Run(ctx, s.rdb, []string{s.prefix + id}, old, data, ttl.Milliseconds()).Int()
	switch {
	case err != nil:
		return err
	case n == -1:
		return hostedui.ErrNotFound
	case n == 0:
		return hostedui.ErrConflict
	}
	return nil
}

// Delete implements hostedui.Store.
func (s *Store) Delete(ctx context.Context, id string) error {
	return s.rdb.Del(ctx, s.prefix+id).Err()
}

var _ hostedui.Store = (*Store)(nil)
