package ginauth

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/adapterkit"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// ErrorHandler renders a refused request. The middleware aborts the chain
// after it, whatever it does.
type ErrorHandler func(c *gin.Context, err error)

// Auth is the gin adapter. Build one with New; it is safe for concurrent use.
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
	kit, err := adapterkit.New(o.Config)
	if err != nil {
		return nil, err
	}
	a := &Auth{kit: kit, onError: o.onError}
	if a.onError == nil {
		a.onError = a.renderFailure
	}
	return a, nil
}

// Base returns the BaseAuth in use.
func (a *Auth) Base() *core.BaseAuth { return a.kit.Auth() }

// Close closes the BaseAuth if Auth built it.
func (a *Auth) Close() error { return a.kit.Close() }

// renderFailure writes core's failure decision.
func (a *Auth) renderFailure(c *gin.Context, err error) {
	render(c, a.kit.Failure(core.HTTPRequest(c.Request), err))
}

// render writes a core.Response with gin's calls: its headers, then the
// status and body. Every answer core and the hosted UI give goes through it.
func render(c *gin.Context, r core.Response) {
	for k, v := range r.Header {
		c.Writer.Header()[k] = v
	}
	c.Status(r.Status)
	_, _ = c.Writer.Write(r.Body)
}

// ProtectApp returns middleware that authenticates and authorises every
// request except bypass paths (and the hosted-UI routes).
func (a *Auth) ProtectApp() gin.HandlerFunc {
	return func(c *gin.Context) {
		if a.kit.Bypassed(c.Request.URL.Path) {
			c.Next()
			return
		}
		a.check(c, nil)
	}
}

// RequireAuth returns middleware for one route or group, applying the app
// policy plus rules, e.g. RequireAuth(core.AllowGroups("admins")).
func (a *Auth) RequireAuth(rules ...core.Rule) gin.HandlerFunc {
	return func(c *gin.Context) { a.check(c, rules) }
}

func (a *Auth) check(c *gin.Context, rules []core.Rule) {
	_, done, err := a.authenticate(c, rules)
	if err != nil {
		a.onError(c, err)
		c.Abort()
		return
	}
	defer done()
	c.Next()
}

// authenticate runs the kit's decision and admits a newly verified user:
// the request context carries it and ends when its credential does (done
// releases that bound; the request's own end does too).
func (a *Auth) authenticate(c *gin.Context, rules []core.Rule) (*core.User, context.CancelFunc, error) {
	u, fresh, err := a.kit.Check(c.Request.Context(), core.HTTPExchange(c.Writer, c.Request), rules)
	if err != nil || !fresh {
		return u, func() {}, err
	}
	ctx, done := a.kit.Admit(c.Request.Context(), u)
	c.Request = c.Request.WithContext(ctx)
	return u, done, nil
}

// GetAuthUser returns the user the middleware stored, or authenticates the
// request now (app policy applied, refreshed session cookies written) and
// admits it when no middleware ran.
func (a *Auth) GetAuthUser(c *gin.Context) (*core.User, error) {
	u, _, err := a.authenticate(c, nil) // the bound ends with the request
	return u, err
}

// User returns the user the middleware verified, or nil: shorthand for
// core.UserFromContext(c.Request.Context()).
func User(c *gin.Context) *core.User {
	if c == nil || c.Request == nil {
		return nil
	}
	u, _ := core.UserFromContext(c.Request.Context())
	return u
}

// MountHostedUI registers the hosted-UI login, callback and logout routes on
// r (see core/hostedui); ProtectApp lets them through.
func MountHostedUI(r gin.IRoutes, ui *hostedui.HostedUI) {
	for _, rt := range ui.Routes() {
		r.Handle(rt.Method, rt.Path, func(c *gin.Context) {
			render(c, rt.Serve(c.Request.Context(), hostedui.HTTPExchange(c.Writer, c.Request)))
		})
	}
}
