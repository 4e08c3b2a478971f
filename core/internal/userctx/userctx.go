// Package userctx keeps the verified user in a request's context under a key
// only core's own packages can write: the guard that verified the user is
// recorded with it, so a guard trusts only users it verified itself.
package userctx

import "context"

// key is the unexported context key.
type key struct{}

// entry is a user and the guard that verified it (nil: put there by the
// test kit, trusted by no guard).
type entry struct {
	owner, user any
}

// With returns a copy of ctx carrying user, verified by owner.
func With(ctx context.Context, owner, user any) context.Context {
	return context.WithValue(ctx, key{}, entry{owner: owner, user: user})
}

// From returns the user in ctx and the guard that verified it, or nils.
func From(ctx context.Context) (owner, user any) {
	if ctx == nil {
		return nil, nil
	}
	e, _ := ctx.Value(key{}).(entry)
	return e.owner, e.user
}
