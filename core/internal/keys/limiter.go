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

// refund gives back a token taken for work that did not happen (a fetch
// that failed because the key server did), up to the burst.
func (l *limiter) refund() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tokens = min(l.tokens+1, l.burst)
}

// maxUserLimiters bounds the per-user budgets kept; when full they are all
// forgotten (every user starts again with a full budget).
const maxUserLimiters = 10000

// userLimiters keeps one token bucket per user.
type userLimiters struct {
	mu    sync.Mutex
	m     map[string]*limiter
	burst int
	per   time.Duration
	now   func() time.Time
}

func newUserLimiters(burst int, per time.Duration, now func() time.Time) *userLimiters {
	return &userLimiters{m: make(map[string]*limiter), burst: burst, per: per, now: now}
}

// allow takes a token from user's bucket. Without a configured burst every
// call is allowed (only the global budget applies).
func (u *userLimiters) allow(user string) bool {
	if u.burst <= 0 {
		return true
	}
	u.mu.Lock()
	l, ok := u.m[user]
	if !ok {
		if len(u.m) >= maxUserLimiters {
			clear(u.m)
		}
		l = newLimiter(u.burst, u.per, u.now)
		u.m[user] = l
	}
	u.mu.Unlock()
	return l.allow()
}

// refund gives back the token allow took from user's bucket.
func (u *userLimiters) refund(user string) {
	if u.burst <= 0 {
		return
	}
	u.mu.Lock()
	l, ok := u.m[user]
	u.mu.Unlock()
	if ok {
		l.refund()
	}
}
