package ginauth

import (
	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/gin-gonic/gin"
)

// userKey is the unexported key of the user in gin's context.
type userKey struct{}

// ErrorHandler renders a refused request. The middleware aborts the chain
// after it, whatever it does.
type ErrorHandler func(c *gin.Context, err error)

// Auth is the gin adapter. Build one with New; it is safe for concurrent use.
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

// WithBypass lets these exact paths through ProtectApp (a trailing slash is
// ignored), e.g. "/health".
func WithBypass(paths ...string) Option {
	return func(o *options) { o.bypass = append(o.bypass, paths...) }
}

// WithErrorHandler replaces the default rendering of refusals.
func WithErrorHandler(h ErrorHandler) Option { return func(o *options) { o.onError = h } }

// New builds an Auth. Without WithBaseAuth it builds a BaseAuth from the
// environment (plus WithCoreOptions).
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
		a.onError = a.renderFailure
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

// renderFailure writes core's failure decision with gin's calls.
func (a *Auth) renderFailure(c *gin.Context, err error) {
	f := a.base.Failure(core.HTTPRequest(c.Request), err)
	for k, v := range f.Header {
		for _, s := range v {
			c.Writer.Header().Add(k, s)
		}
	}
	if f.IsRedirect() {
		c.Redirect(f.Status, f.Location)
		return
	}
	c.Data(f.Status, f.Header.Get("Content-Type"), f.Body)
}

// ProtectApp returns middleware that authenticates and authorises every
// request except bypass paths.
func (a *Auth) ProtectApp() gin.HandlerFunc {
	return func(c *gin.Context) {
		if a.bypass.Contains(c.Request.URL.Path) {
			c.Next()
			return
		}
		a.check(c, nil)
	}
}

// RequireAuth returns middleware for one route or group, applying the app
// policy plus rules, e.g. RequireAuth(core.RequireGroups("admins")).
func (a *Auth) RequireAuth(rules ...core.Rule) gin.HandlerFunc {
	return func(c *gin.Context) { a.check(c, rules) }
}

func (a *Auth) check(c *gin.Context, rules []core.Rule) {
	if u := User(c); u != nil {
		if err := a.base.Authorise(c.Request.Context(), u, rules...); err != nil {
			a.fail(c, err)
			return
		}
		c.Next()
		return
	}
	u, err := a.base.Authenticate(c.Request.Context(), core.HTTPRequest(c.Request), rules...)
	if err != nil {
		a.fail(c, err)
		return
	}
	store(c, u)
	c.Next()
}

func (a *Auth) fail(c *gin.Context, err error) {
	a.onError(c, err)
	c.Abort()
}

func store(c *gin.Context, u *core.User) {
	c.Set(userKey{}, u)
	c.Request = c.Request.WithContext(core.ContextWithUser(c.Request.Context(), u))
}

// GetAuthUser returns the user the middleware stored, or authenticates the
// request now (app policy applied) and stores it when no middleware ran.
func (a *Auth) GetAuthUser(c *gin.Context) (*core.User, error) {
	if u := User(c); u != nil {
		return u, nil
	}
	u, err := a.base.Authenticate(c.Request.Context(), core.HTTPRequest(c.Request))
	if err != nil {
		return nil, err
	}
	store(c, u)
	return u, nil
}

// User returns the user the middleware stored, or nil.
func User(c *gin.Context) *core.User {
	if c == nil {
		return nil
	}
	v, ok := c.Get(userKey{})
	if !ok {
		return nil
	}
	u, _ := v.(*core.User)
	return u
}
