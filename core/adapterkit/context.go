package adapterkit

import (
	"context"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/internal/userctx"
)

// StoreUser returns a copy of ctx carrying u as verified by this kit's
// BaseAuth: core.UserFromContext reads it, and StoredUser trusts it.
func (k *Kit) StoreUser(ctx context.Context, u *core.User) context.Context {
	return userctx.With(ctx, k.auth, u)
}

// StoredUser returns the user this kit's BaseAuth verified and stored in
// ctx with StoreUser, or nil. A user put in ctx any other way is ignored.
func (k *Kit) StoredUser(ctx context.Context) *core.User {
	owner, v := userctx.From(ctx)
	if owner != k.auth {
		return nil
	}
	u, _ := v.(*core.User)
	return u
}

// Admit stores u in ctx as StoreUser does and bounds the context by u's
// credential (core.UntilCredentialEnd): the context a handler gets ends when
// the credential does. The adapter calls cancel when the handler returns.
func (k *Kit) Admit(ctx context.Context, u *core.User) (context.Context, context.CancelFunc) {
	return core.UntilCredentialEnd(k.StoreUser(ctx, u))
}
