package core

import "context"

// AdapterConfig is the configuration every framework adapter shares; each
// adapter's options fill it.
type AdapterConfig struct {
	// Base is a BaseAuth to share; nil builds one with CoreOptions.
	Base *BaseAuth
	// CoreOptions are passed to New when the adapter builds its BaseAuth.
	CoreOptions []Option
	// Bypass are exact paths the app-wide protection skips.
	Bypass []string
}

// Adapter is the part every framework adapter shares: the BaseAuth it uses
// (and whether it built it) and its bypass paths. Adapters embed it.
type Adapter struct {
	base   *BaseAuth
	owned  bool
	bypass PathSet
}

// NewAdapter builds the shared part of an adapter: it uses cfg.Base, or
// builds a BaseAuth from the environment and cfg.CoreOptions (configuration
// errors are returned).
func NewAdapter(cfg AdapterConfig) (Adapter, error) {
	a := Adapter{base: cfg.Base, bypass: NewPathSet(cfg.Bypass...)}
	if a.base == nil {
		b, err := New(cfg.CoreOptions...)
		if err != nil {
			return Adapter{}, err
		}
		a.base, a.owned = b, true
	}
	return a, nil
}

// Base returns the BaseAuth in use.
func (a *Adapter) Base() *BaseAuth { return a.base }

// Bypassed reports whether path is one of the bypass paths or a route of
// the hosted-UI login (which must be reachable without a session).
func (a *Adapter) Bypassed(path string) bool {
	return a.bypass.Contains(path) || a.base.OwnsPath(path)
}

// Close closes the BaseAuth if the adapter built it.
func (a *Adapter) Close() error {
	if a.owned {
		return a.base.Close()
	}
	return nil
}

// verifiedKey is the context key under which adapters keep the user they
// verified. Only this package can write it (through Adapter.StoreUser), so a
// user some other middleware put in the context with ContextWithUser is
// never mistaken for a verified one.
type verifiedKey struct{}

// verified records which BaseAuth verified a user.
type verified struct {
	base *BaseAuth
	user *User
}

// StoreUser returns a copy of ctx carrying u as verified by this adapter's
// BaseAuth, and also under ContextWithUser for service code.
func (a *Adapter) StoreUser(ctx context.Context, u *User) context.Context {
	ctx = context.WithValue(ctx, verifiedKey{}, verified{base: a.base, user: u})
	return ContextWithUser(ctx, u)
}

// StoredUser returns the user this adapter's BaseAuth verified and stored in
// ctx with StoreUser, or nil. A user put in ctx any other way is ignored.
func (a *Adapter) StoredUser(ctx context.Context) *User {
	v, _ := ctx.Value(verifiedKey{}).(verified)
	if v.base != a.base || v.base == nil {
		return nil
	}
	return v.user
}

// VerifiedUser returns the user an adapter verified and stored in ctx, or
// nil. Unlike UserFromContext it never returns a user put in the context
// with ContextWithUser.
func VerifiedUser(ctx context.Context) *User {
	if ctx == nil {
		return nil
	}
	v, _ := ctx.Value(verifiedKey{}).(verified)
	return v.user
}
