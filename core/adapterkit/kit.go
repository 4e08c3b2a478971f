package adapterkit

import (
	"context"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// Config is what every adapter's options fill.
type Config struct {
	// Auth is a BaseAuth to share; nil builds one with CoreOptions.
	Auth *core.BaseAuth
	// CoreOptions are passed to core.New when the kit builds its BaseAuth.
	CoreOptions []core.Option
	// Bypass are exact paths the app-wide protection skips.
	Bypass []string
}

// Kit holds the BaseAuth an adapter uses (and whether it built it) and its
// bypass paths. Build one with New; it is safe for concurrent use.
type Kit struct {
	auth   *core.BaseAuth
	owned  bool
	bypass pathSet
}

// New builds the kit: it uses cfg.Auth, or builds a BaseAuth from the
// environment and cfg.CoreOptions (configuration errors are returned).
func New(cfg Config) (*Kit, error) {
	k := &Kit{auth: cfg.Auth, bypass: newPathSet(cfg.Bypass...)}
	if k.auth == nil {
		a, err := core.New(cfg.CoreOptions...)
		if err != nil {
			return nil, err
		}
		k.auth, k.owned = a, true
	}
	return k, nil
}

// Auth returns the BaseAuth in use.
func (k *Kit) Auth() *core.BaseAuth { return k.auth }

// Close closes the BaseAuth if the kit built it.
func (k *Kit) Close() error {
	if k.owned {
		return k.auth.Close()
	}
	return nil
}

// Bypassed reports whether app-wide protection skips path: a bypass path,
// or a route of one of the credential sources (the hosted-UI login).
func (k *Kit) Bypassed(path string) bool {
	return k.bypass.contains(path) || k.auth.OwnsPath(path)
}

// Check is the one decision every adapter makes: a user this kit's
// BaseAuth already verified for this request (stored in ctx) is authorised
// with rules; anything else is authenticated (sources, then the app policy
// and rules). fresh reports a user that still has to be stored. On error
// the adapter renders Failure(req, err) its own way.
func (k *Kit) Check(ctx context.Context, req core.Request, rules []core.Rule) (u *core.User, fresh bool, err error) {
	if u := k.StoredUser(ctx); u != nil {
		return u, false, k.auth.Authorise(ctx, u, rules...)
	}
	u, err = k.auth.Authenticate(ctx, req, rules...)
	return u, err == nil, err
}

// Failure is core's decision about how to answer req, refused with err.
func (k *Kit) Failure(req core.Request, err error) core.Response { return k.auth.Failure(req, err) }
