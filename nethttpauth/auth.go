package nethttpauth

import (
	"net/http"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/adapterkit"
)

// ErrorHandler renders a refused request. err matches core's sentinels and
// carries a core.Code. The next handler is never called after it.
type ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)

// Auth is the net/http adapter. Build one with New; it is safe for
// concurrent use.
type Auth struct {
	kit     *adapterkit.Kit
	onError ErrorHandler
}

type options struct {
	adapterkit.Config
	onError ErrorHandler
}

// Option configures an Auth.
type Option func(*options)

// WithBaseAuth uses an existing BaseAuth (not closed by Auth.Close).
func WithBaseAuth(b *core.BaseAuth) Option { return func(o *options) { o.Auth = b } }

// WithCoreOptions passes options to core.New when Auth builds its BaseAuth.
func WithCoreOptions(opts ...core.Option) Option {
	return func(o *options) { o.CoreOptions = append(o.CoreOptions, opts...) }
}

// WithBypass lets these exact paths through ProtectApp without
// authentication (a trailing slash is ignored), e.g. "/health".
func WithBypass(paths ...string) Option {
	return func(o *options) { o.Bypass = append(o.Bypass, paths...) }
}

// WithErrorHandler replaces the default rendering of refusals (core's
// failure decision, written with core.Response.Write).
func WithErrorHandler(h ErrorHandler) Option { return func(o *options) { o.onError = h } }

// New builds an Auth. Without WithBaseAuth it builds a BaseAuth from the
// environment (plus WithCoreOptions); configuration errors are returned.
func New(opts ...Option) (*Auth, error) {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	kit, err := adapterkit.New(o.Config)
	if err != nil {
		return nil, err
	}
	a := &Auth{kit: kit, onError: o.onError}
	if a.onError == nil {
		a.onError = a.writeFailure
	}
	return a, nil
}

// Base returns the BaseAuth in use.
func (a *Auth) Base() *core.BaseAuth { return a.kit.Auth() }

// Close closes the BaseAuth if Auth built it.
func (a *Auth) Close() error { return a.kit.Close() }

func (a *Auth) writeFailure(w http.ResponseWriter, r *http.Request, err error) {
	f := a.kit.Failure(core.HTTPRequest(r), err)
	f.Write(w)
}

// ProtectApp authenticates and authorises every request except bypass
// paths (and the hosted-UI routes), stores the user in the request context,
// and calls next. Refused requests are answered by the error handler and
// never reach next.
func (a *Auth) ProtectApp(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.kit.Bypassed(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		a.serve(w, r, next, nil)
	})
}

// RequireAuth returns middleware for one route or group: it authenticates
// the request (or reuses the user ProtectApp stored) and applies the app
// policy plus rules, e.g. RequireAuth(core.AllowGroups("admins")).
func (a *Auth) RequireAuth(rules ...core.Rule) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { a.serve(w, r, next, rules) })
	}
}

func (a *Auth) serve(w http.ResponseWriter, r *http.Request, next http.Handler, rules []core.Rule) {
	u, fresh, err := a.kit.Check(r.Context(), core.HTTPExchange(w, r), rules)
	if err != nil {
		a.onError(w, r, err)
		return
	}
	if fresh {
		// The handler's context ends when the credential does.
		ctx, done := a.kit.Admit(r.Context(), u)
		defer done()
		r = r.WithContext(ctx)
	}
	next.ServeHTTP(w, r)
}

// GetAuthUser returns the user the middleware stored, or authenticates the
// request now (app policy applied) when no middleware ran. w lets a
// hosted-UI session refresh write its cookies.
func (a *Auth) GetAuthUser(w http.ResponseWriter, r *http.Request) (*core.User, error) {
	u, _, err := a.kit.Check(r.Context(), core.HTTPExchange(w, r), nil)
	return u, err
}

// User returns the user the middleware verified, or nil: shorthand for
// core.UserFromContext(r.Context()).
func User(r *http.Request) *core.User {
	u, _ := core.UserFromContext(r.Context())
	return u
}
