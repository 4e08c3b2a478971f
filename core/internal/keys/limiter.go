package keys

import (
	"sync"
	"time"
)

// limiter is a token bucket: burst tokens, one more every per.
type limiter struct {
	mu     sync.Mutex
	tokens float64
	burst  float64
	per    time.Duration
	last   time.Time
	now    func() time.Time
}

func newLimiter(burst int, per time.Duration, now func() time.Time) *limiter {
	return &limiter{tokens: float64(burst), burst: float64(burst), per: per, last: now(), now: now}
}

// allow takes a token if one is available.
func (l *limiter) allow() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	if l.per > 0 {
		l.tokens += float64(t.Sub(l.last)) / float64(l.per)
		if l.tokens > l.burst {
			l.tokens = l.burst
		}
	}
	l.last = t
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}
