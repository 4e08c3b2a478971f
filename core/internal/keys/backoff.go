package keys

import "time"

// Retry delays after a failed fetch: the first retry may start after
// retryMin, each further failure doubles the wait up to retryMax. The cap is
// short on purpose: recovery must take effect within about a second, while
// a source that keeps failing is still asked at most once a second.
const (
	retryMin = 250 * time.Millisecond
	retryMax = time.Second
)

// backoff spaces out fetches from a source that is failing. It is not safe
// for concurrent use: its owner guards it with its own mutex.
type backoff struct {
	failures int
	until    time.Time
}

// waiting reports whether a fetch must not start at now.
func (b *backoff) waiting(now time.Time) bool { return now.Before(b.until) }

// failed records a failed fetch at now.
func (b *backoff) failed(now time.Time) {
	d := retryMin << min(b.failures, 8)
	b.failures++
	b.until = now.Add(min(d, retryMax))
}

// succeeded records an answer from a healthy source.
func (b *backoff) succeeded() { *b = backoff{} }
