package adapterkit

import (
	"context"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// verifiedKey is the context key under which adapters keep the user they
// verified. Only this package can write it (StoreUser), so a user some
// other middleware put in the context with core.ContextWithUser is never
// mistaken for a verified one.
type verifiedKey struct{}

// verified records which BaseAuth verified a user.
type verified struct {
	auth *core.BaseAuth
	user *core.User
}

// StoreUser returns a copy of ctx carrying u as verified by this kit's
// BaseAuth, and also under core.ContextWithUser for service code.
func (k *Kit) StoreUser(ctx context.Context, u *core.User) context.Context {
	ctx = context.WithValue(ctx, verifiedKey{}, verified{auth: k.auth, user: u})
	return core.ContextWithUser(ctx, u)
}

// StoredUser returns the user this kit's BaseAuth verified and stored in
// ctx with StoreUser, or nil. A user put in ctx any other way is ignored.
func (k *Kit) StoredUser(ctx context.Context) *core.User {
	v, _ := ctx.Value(verifiedKey{}).(verified)
	if v.auth == nil || v.auth != k.auth {
		return nil
	}
	return v.user
}

// VerifiedUser returns the user an adapter verified and stored in ctx, or
// nil. Unlike core.UserFromContext it never returns a user put in the
// context with core.ContextWithUser.
func VerifiedUser(ctx context.Context) *core.User {
	if ctx == nil {
		return nil
	}
	v, _ := ctx.Value(verifiedKey{}).(verified)
	return v.user
}
