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

// Delete implements hostedui.Store.
func (s *Store) Delete(ctx context.Context, id string) error {
	return s.rdb.Del(ctx, s.prefix+id).Err()
}

var _ hostedui.Store = (*Store)(nil)
