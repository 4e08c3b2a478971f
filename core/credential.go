package core

import (
	"context"
	"errors"
	"time"
)

// ErrCredentialExpired is the cause (context.Cause) of a request context
// that ended because the credential the request was let in with did: a
// long-lived handler — a WebSocket, server-sent events, a stream — ends
// with it. The core/live package closes connections with it in plain
// words ("sign-in expired").
var ErrCredentialExpired = errors.New("cognito-auth: sign-in expired")

// CredentialEnd is when the user's credential ends: the access token's
// expiry, or the hosted-UI session's end when that is earlier. (The ALB's
// data token is re-signed every few minutes and is not the credential.)
func (u *User) CredentialEnd() time.Time {
	if u == nil {
		return time.Time{}
	}
	return minTime(u.ExpiresAt, u.SessionEndsAt)
}

// UntilCredentialEnd returns a copy of ctx that ends when the credential of
// the user an adapter verified for this request does, with cause
// ErrCredentialExpired; without a verified user in ctx it has already
// ended. The adapters' middleware gives handlers such a context; a handler
// that read the user with GetAuthUser calls it itself for a long-lived
// connection. Call cancel when done.
func UntilCredentialEnd(ctx context.Context) (context.Context, context.CancelFunc) {
	u, ok := UserFromContext(ctx)
	if !ok || u.CredentialEnd().IsZero() {
		ctx, cancel := context.WithCancelCause(ctx)
		cancel(ErrCredentialExpired)
		return ctx, func() { cancel(context.Canceled) }
	}
	return context.WithDeadlineCause(ctx, u.CredentialEnd(), ErrCredentialExpired)
}

// CredentialExpired reports whether ctx ended because the credential did.
func CredentialExpired(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), ErrCredentialExpired)
}
