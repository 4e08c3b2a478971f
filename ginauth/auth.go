package ginauth

import (
	"context"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
	"github.com/gin-gonic/gin"
)

// userKey is the unexported key of the user in gin's context.
type userKey struct{}

// ErrorHandler renders a refused request. The middleware aborts the chain
// after it, whatever it does.
type ErrorHandler func(c *gin.Context, err error)

// Auth is the gin adapter. Build one with New; it is safe for concurrent use.
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

// WithBypass lets these exact paths through ProtectApp (a trailing slash is
// ignored), e.g. "/health".
func WithBypass(paths ...string) Option {
	return func(o *options) { o.Bypass = append(o.Bypass, paths...) }
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
	shared, err := core.NewAdapter(o.AdapterConfig)
	if err != nil {
		return nil, err
	}
	a := &Auth{Adapter: shared, onError: o.onError}
	if a.onError == nil {
		a.onError = a.renderFailure
	}
	return a, nil
}

// renderFailure writes core's failure decision with gin's calls.
func (a *Auth) renderFailure(c *gin.Context, err error) {
	f := a.Base().Failure(core.HTTPRequest(c.Request), err)
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
		if a.Bypassed(c.Request.URL.Path) {
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
		if err := a.Base().Authorise(c.Request.Context(), u, rules...); err != nil {
			a.fail(c, err)
			return
		}
		c.Next()
		return
	}
	u, err := a.Base().Authenticate(c.Request.Context(), core.HTTPExchange(c.Writer, c.Request), rules...)
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
	u, err := a.Base().Authenticate(c.Request.Context(), core.HTTPRequest(c.Request))
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

// MountHostedUI registers the hosted-UI login, callback and logout routes on
// r (see core/hostedui); ProtectApp lets them through.
func (a *Auth) MountHostedUI(r gin.IRoutes, ui *hostedui.HostedUI) {
	login, callback, logout := ui.Paths()
	serve := func(route func(context.Context, hostedui.Exchange) hostedui.Response) gin.HandlerFunc {
		return func(c *gin.Context) {
			resp := route(c.Request.Context(), hostedui.HTTPExchange(c.Writer, c.Request))
			c.Header("Cache-Control", "no-store")
			if resp.Location != "" {
				c.Redirect(resp.Status, resp.Location)
				return
			}
			c.Data(resp.Status, resp.ContentType, resp.Body)
		}
	}
	r.GET(login, serve(ui.Login))
	r.GET(callback, serve(ui.Callback))
	r.GET(logout, serve(ui.Logout))
	r.POST(logout, serve(ui.Logout))
}
