package core

import "context"

// userKey is the unexported context key type for the user.
type userKey struct{}

// ContextWithUser returns a copy of ctx carrying u.
func ContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFromContext returns the user stored by ContextWithUser, or nil (and
// false) when there is none. It is safe to call with any context.
func UserFromContext(ctx context.Context) (*User, bool) {
	if ctx == nil {
		return nil, false
	}
	u, ok := ctx.Value(userKey{}).(*User)
	return u, ok && u != nil
}
