package hostedui

import (
	"context"
	"errors"
	"time"
)

// Errors a Store returns.
var (
	// ErrNotFound is returned for an unknown (or expired) session id.
	ErrNotFound = errors.New("session not found")
	// ErrConflict is returned by Swap when the session changed since it was
	// read: another request or another app instance wrote it first.
	ErrConflict = errors.New("session changed since it was read")
)

// Store keeps sessions on the server. By default (no Store) the whole
// sealed session lives in the browser's cookies, and logout cannot stop a
// copied cookie from being replayed until it expires. With a Store the
// cookie holds only a sealed session id; logout deletes the session, so a
// replayed cookie is refused, and every app instance sharing the store sees
// the same sessions. Data is sealed before it is stored.
//
// Every change to a session that exists is a compare-and-swap (Swap), so
// app instances sharing the store never overwrite each other's tokens: the
// instance that renews a session's tokens first takes a short lease on it
// (written with Swap), the others wait for the renewed tokens instead of
// spending the refresh token again (Cognito may rotate it, and then the old
// one no longer works). An implementation must make Swap atomic on the
// server (the redisstore module uses a Lua script).
type Store interface {
	// Get returns the data stored for id, or ErrNotFound.
	Get(ctx context.Context, id string) ([]byte, error)
	// Set stores data for a new session id until ttl has passed.
	Set(ctx context.Context, id string, data []byte, ttl time.Duration) error
	// Swap replaces the data stored for id with data, valid for ttl, only
	// if it is still exactly old: else ErrConflict, or ErrNotFound when
	// nothing is stored for id.
	Swap(ctx context.Context, id string, old, data []byte, ttl time.Duration) error
	// Delete removes id; deleting an unknown id is not an error.
	Delete(ctx context.Context, id string) error
}

// WithStore keeps sessions in s (for example the redisstore module's Redis
// store) instead of in the cookie.
func WithStore(s Store) Option { return func(c *config) { c.store = s } }

// sessionRef is what the cookie holds when a Store keeps the session.
type sessionRef struct {
	V  int    `json:"v"`
	ID string `json:"id"`
}
