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
	core.Adapter
	onError ErrorHandler
}

type options struct {
	core.AdapterConfig
	onError ErrorHandler
}

// Option configures an Auth.
type Option func(*options)

// WithBaseAuth uses an existing BaseAuth (not closed by Auth.Close).
func WithBaseAuth(b *core.BaseAuth) Option { return func(o *options) { o.Base = b } }

// WithCoreOptions passes options to core.New when Auth builds its BaseAuth.
func WithCoreOptions(opts ...core.Option) Option {
	return func(o *options) { o.CoreOptions = append(o.CoreOptions, opts...) }
}

// WithBypass lets these exact paths through ProtectApp without
// authentication (a trailing slash is ignored), e.g. "/health".
func WithBypass(paths ...string) Option {
	return func(o *options) { o.Bypass = append(o.Bypass, paths...) }
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
	shared, err := core.NewAdapter(o.AdapterConfig)
	if err != nil {
		return nil, err
	}
	a := &Auth{Adapter: shared, onError: o.onError}
	if a.onError == nil {
		a.onError = a.writeFailure
	}
	return a, nil
}

func (a *Auth) writeFailure(w http.ResponseWriter, r *http.Request, err error) {
	core.WriteFailure(w, a.Base().Failure(core.HTTPRequest(r), err))
}

// ProtectApp authenticates and authorises every request except bypass
// paths, stores the user in the request context, and calls next. Refused
// requests are answered by the error handler and never reach next.
func (a *Auth) ProtectApp(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.Bypassed(r.URL.Path) {
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
	if u := a.StoredUser(r.Context()); u != nil {
		if err := a.Base().Authorise(r.Context(), u, rules...); err != nil {
			a.onError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
		return
	}
	u, err := a.Base().Authenticate(r.Context(), core.HTTPExchange(w, r), rules...)
	if err != nil {
		a.onError(w, r, err)
		return
	}
	next.ServeHTTP(w, r.WithContext(a.StoreUser(r.Context(), u)))
}

// GetAuthUser returns the user the middleware stored, or authenticates the
// request now (app policy applied) when no middleware ran.
func (a *Auth) GetAuthUser(r *http.Request) (*core.User, error) {
	if u := a.StoredUser(r.Context()); u != nil {
		return u, nil
	}
	return a.Base().Authenticate(r.Context(), core.HTTPRequest(r))
}

// User returns the user the middleware verified and stored in r's context,
// or nil (never a user put there with core.ContextWithUser).
func User(r *http.Request) *core.User { return core.VerifiedUser(r.Context()) }
