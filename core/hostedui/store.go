package hostedui

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by a Store for an unknown (or expired) session id.
var ErrNotFound = errors.New("session not found")

// Store keeps sessions on the server. By default (no Store) the whole
// sealed session lives in the browser's cookies, and logout cannot stop a
// copied cookie from being replayed until it expires. With a Store the
// cookie holds only a sealed session id; logout deletes the session, so a
// replayed cookie is refused, and every app instance sharing the store sees
// the same sessions. Data is sealed before it is stored.
type Store interface {
	// Get returns the data stored for id, or ErrNotFound.
	Get(ctx context.Context, id string) ([]byte, error)
	// Set stores data for id until ttl has passed.
	Set(ctx context.Context, id string, data []byte, ttl time.Duration) error
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
