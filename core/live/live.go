// Package live ends long-lived connections — WebSockets, server-sent
// events, streams — when the sign-in they were opened with ends.
//
// A request is verified once, on the upgrade or on the stream's first
// request; behind an ALB the identity headers arrive on that request only.
// The adapters give the handler a context that ends when the credential
// does (core.UntilCredentialEnd: the earlier of the access token's expiry
// and the hosted-UI session's end), with cause core.ErrCredentialExpired.
// This package turns that end into what a browser understands: a WebSocket
// closed with the policy-violation code and the reason "sign-in expired",
// or a last server-sent event of that name. It needs no WebSocket library:
// the close is a function the handler gives it.
package live

import (
	"context"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// CloseCode is the WebSocket close code a connection ends with when its
// sign-in expires: 1008, policy violation (RFC 6455 §7.4.1).
const CloseCode = 1008

// Reason is the close reason and the expiry event's data. It names no
// token, user or claim.
const Reason = "sign-in expired"

// CloseOnExpiry calls closeFn(CloseCode, Reason) once, in its own
// goroutine, when ctx ends because the credential did; when ctx ends for
// any other reason (the client went away, the server shuts down) it does
// nothing. ctx is the handler's context, or one bounded by
// core.UntilCredentialEnd. stop undoes it (see context.AfterFunc): call it
// when the connection ends first.
//
// With github.com/coder/websocket:
//
//	stop := live.CloseOnExpiry(ctx, func(code int, reason string) {
//		_ = conn.Close(websocket.StatusCode(code), reason)
//	})
//	defer stop()
func CloseOnExpiry(ctx context.Context, closeFn func(code int, reason string)) (stop func() bool) {
	return context.AfterFunc(ctx, func() {
		if core.CredentialExpired(ctx) {
			closeFn(CloseCode, Reason)
		}
	})
}
