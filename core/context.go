package core

import (
	"context"

	"github.com/cognitoauth/cognito-auth-go/core/internal/userctx"
)

// UserFromContext returns the user an adapter's middleware verified for
// this request and stored in its context, or nil and false. It is the one
// way to read the verified user, in handlers and in service code the
// request context reaches; the adapters' User functions are typed
// shorthands for it. Nothing outside this module can put a user there, so
// another middleware cannot plant one (cognitotest.ContextWithUser does,
// for handler tests, and no guard trusts what it puts).
func UserFromContext(ctx context.Context) (*User, bool) {
	_, v := userctx.From(ctx)
	u, ok := v.(*User)
	return u, ok && u != nil
}
