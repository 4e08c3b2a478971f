package hostedui

import (
	"context"
	"errors"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// Errors from Extend.
var (
	// ErrExtendNeedsStore: Extend renews a session without a response to
	// carry cookies, which only server-side sessions (WithStore) allow; a
	// cookie session renewed that way would spend the browser's refresh
	// token when Cognito rotates refresh tokens.
	ErrExtendNeedsStore = errors.New("hostedui: Extend needs server-side sessions (WithStore, e.g. the redisstore module)")
	// ErrNotASession: the context holds no user signed in with the hosted
	// UI (call Extend in a handler behind the adapter's middleware).
	ErrNotASession = errors.New("hostedui: Extend needs a handler context with a hosted-UI session's user")
)

// Extend opts a long-lived handler (a WebSocket, server-sent events) of a
// hosted-UI session in to renewal: instead of ending at the access token's
// expiry, the returned context carries on while the session is renewed
// (refreshed in the Store, shared by every app instance) shortly before
// each expiry. It ends, with cause core.ErrCredentialExpired, when a
// renewal is refused (the user signed out everywhere, the refresh token
// revoked or expired), when the session reaches its absolute lifetime, or
// when renewal keeps failing until the credential in hand expires; and it
// ends with ctx for any other reason (the client left). ctx is the
// handler's context; req the request that opened the connection (its
// session cookie). Call cancel when the connection ends.
func (h *HostedUI) Extend(ctx context.Context, req core.Request) (context.Context, context.CancelFunc, error) {
	if h.cfg.store == nil {
		return nil, nil, ErrExtendNeedsStore
	}
	u, ok := core.UserFromContext(ctx)
	if !ok || u.SessionEndsAt.IsZero() {
		return nil, nil, ErrNotASession
	}
	out, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	// The handler's own end (not the credential's, which this replaces)
	// still ends the connection.
	stop := context.AfterFunc(ctx, func() {
		if !core.CredentialExpired(ctx) {
			cancel(context.Cause(ctx))
		}
	})
	go h.renewWhileLive(out, cancel, readOnly{req}, u.CredentialEnd())
	return out, func() { stop(); cancel(context.Canceled) }, nil
}

// renewWhileLive renews the session before each end of its credential until
// it cannot be renewed, then ends ctx.
func (h *HostedUI) renewWhileLive(ctx context.Context, cancel context.CancelCauseFunc, req core.Request, end time.Time) {
	for {
		left := time.Until(end)
		if !sleep(ctx, left-min(30*time.Second, left/4)) {
			return
		}
		for {
			u, err := h.Authenticate(ctx, req)
			if err == nil && u.CredentialEnd().After(end) {
				end = u.CredentialEnd()
				break
			}
			if err != nil && !errors.Is(err, core.ErrUnavailable) {
				cancel(core.ErrCredentialExpired) // refused: signed out, revoked or over
				return
			}
			// Not due yet, or the token endpoint is failing: again in a
			// second, for as long as the credential in hand lasts.
			if left := time.Until(end); left <= time.Second {
				if sleep(ctx, left) {
					cancel(core.ErrCredentialExpired)
				}
				return
			}
			if !sleep(ctx, time.Second) {
				return
			}
		}
	}
}

// sleep waits d, or less if ctx ends first (then false).
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// readOnly is a request that cannot set cookies: a renewal on a hijacked or
// streaming connection has no response to carry them (the Store keeps the
// renewed session).
type readOnly struct{ core.Request }
