package nethttpauth

import (
	"net/http"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// ErrorHandler renders a refused request. err matches core's sentinels and
// carries a core.Code. The next handler is never called after it.
type ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)

// Auth is the net/http adapter. Build one with New; it is safe for
// concurrent use.
type Auth struct {
	base    *core.BaseAuth
	owned   bool
	bypass  core.PathSet
	onError ErrorHandler
}

type options struct {
	base     *core.BaseAuth
	coreOpts []core.Option
	bypass   []string
	onError  ErrorHandler
}

// Option configures an Auth.
type Option func(*options)

// WithBaseAuth uses an existing BaseAuth (not closed by Auth.Close).
func WithBaseAuth(b *core.BaseAuth) Option { return func(o *options) { o.base = b } }

// WithCoreOptions passes options to core.New when Auth builds its BaseAuth.
func WithCoreOptions(opts ...core.Option) Option {
	return func(o *options) { o.coreOpts = append(o.coreOpts, opts...) }
}

// WithBypass lets these exact paths through ProtectApp without
// authentication (a trailing slash is ignored), e.g. "/health".
func WithBypass(paths ...string) Option {
	return func(o *options) { o.bypass = append(o.bypass, paths...) }
}

// WithErrorHandler replaces the default rendering of refusals
// (core.WriteFailure of the BaseAuth's failure decision).
func WithErrorHandler(h ErrorHandler) Option { return func(o *options) { o.onError = h } }

// New builds an Auth. Without WithBaseAuth it builds a BaseAuth from the
// environment (plus WithCoreOptions); configuration errors are returned.
func New(opts ...Option) (*Auth, error) {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	a := &Auth{base: o.base, bypass: core.NewPathSet(o.bypass...), onError: o.onError}
	if a.base == nil {
		b, err := core.New(o.coreOpts...)
		if err != nil {
			return nil, err
		}
		a.base, a.owned = b, true
	}
	if a.onError == nil {
		a.onError = a.writeFailure
	}
	return a, nil
}

// Close closes the BaseAuth if New built it.
func (a *Auth) Close() error {
	if a.owned {
		return a.base.Close()
	}
	return nil
}

// Base returns the BaseAuth in use.
func (a *Auth) Base() *core.BaseAuth { return a.base }

func (a *Auth) writeFailure(w http.ResponseWriter, r *http.Request, err error) {
	core.WriteFailure(w, a.base.Failure(core.HTTPRequest(r), err))
}

// ProtectApp authenticates and authorises every request except bypass
// paths, stores the user in the request context, and calls next. Refused
// requests are answered by the error handler and never reach next.
func (a *Auth) ProtectApp(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.bypass.Contains(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		a.serve(w, r, next, nil)
	})
}

// RequireAuth returns middleware for one route or group: it authenticates
// the request (or reuses the user ProtectApp stored) and applies the app
// policy plus rules, e.g. RequireAuth(core.RequireGroups("admins")).
func (a *Auth) RequireAuth(rules ...core.Rule) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			a.serve(w, r, next, rules)
		})
	}
}

func (a *Auth) serve(w http.ResponseWriter, r *http.Request, next http.Handler, rules []core.Rule) {
	if u, ok := core.UserFromContext(r.Context()); ok {
		if err := a.base.Authorise(r.Context(), u, rules...); err != nil {
			a.onError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
		return
	}
	u, err := a.base.Authenticate(r.Context(), core.HTTPRequest(r), rules...)
	if err != nil {
		a.onError(w, r, err)
		return
	}
	next.ServeHTTP(w, r.WithContext(core.ContextWithUser(r.Context(), u)))
}

// GetAuthUser returns the user the middleware stored, or authenticates the
// request now (app policy applied) when no middleware ran.
func (a *Auth) GetAuthUser(r *http.Request) (*core.User, error) {
	if u, ok := core.UserFromContext(r.Context()); ok {
		return u, nil
	}
	return a.base.Authenticate(r.Context(), core.HTTPRequest(r))
}

// User returns the user the middleware stored in r's context, or nil.
func User(r *http.Request) *core.User {
	u, _ := core.UserFromContext(r.Context())
	return u
}
