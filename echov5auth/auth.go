package echov5auth

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/adapterkit"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// ErrorHandler handles a refused request; what it returns is returned by the
// middleware (nil stops the request with what the handler wrote). The next
// handler is never called.
type ErrorHandler func(c *echo.Context, err error) error

// Auth is the echo adapter. Build one with New; it is safe for concurrent use.
type Auth struct {
	kit        *adapterkit.Kit
	skipper    middleware.Skipper
	onError    ErrorHandler
	httpErrors bool
}

type options struct {
	adapterkit.Config
	skipper    middleware.Skipper
	onError    ErrorHandler
	httpErrors bool
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

// WithSkipper skips ProtectApp for requests the skipper selects (echo's
// middleware convention), in addition to bypass paths.
func WithSkipper(s middleware.Skipper) Option { return func(o *options) { o.skipper = s } }

// WithErrorHandler replaces the default handling of refusals.
func WithErrorHandler(h ErrorHandler) Option { return func(o *options) { o.onError = h } }

// WithHTTPErrors makes the middleware return an *echo.HTTPError (with the
// *core.Error as Internal) instead of rendering the refusal itself, for apps
// that render errors centrally. Install auth.HTTPErrorHandler to keep core's
// redirect/HTML/JSON decision.
func WithHTTPErrors() Option { return func(o *options) { o.httpErrors = true } }

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
	a := &Auth{kit: kit, skipper: o.skipper, onError: o.onError, httpErrors: o.httpErrors}
	if a.skipper == nil {
		a.skipper = middleware.DefaultSkipper
	}
	if a.onError == nil {
		a.onError = a.defaultError
	}
	return a, nil
}

// Base returns the BaseAuth in use.
func (a *Auth) Base() *core.BaseAuth { return a.kit.Auth() }

// Close closes the BaseAuth if Auth built it.
func (a *Auth) Close() error { return a.kit.Close() }

func (a *Auth) defaultError(c *echo.Context, err error) error {
	if a.httpErrors {
		return a.httpError(c, err)
	}
	return a.render(c, err)
}

// render writes core's failure decision.
func (a *Auth) render(c *echo.Context, err error) error {
	return render(c, a.kit.Failure(core.HTTPRequest(c.Request()), err))
}

// render writes a core.Response with echo's calls: its headers, then the
// status and body. Every answer core and the hosted UI give goes through it.
func render(c *echo.Context, r core.Response) error {
	h := c.Response().Header()
	for k, v := range r.Header {
		h[k] = append([]string(nil), v...)
	}
	c.Response().WriteHeader(r.Status)
	_, err := c.Response().Write(r.Body)
	return err
}

// httpError sets the failure's headers (all but the body's type) and
// returns it as an *echo.HTTPError, for the app's error handler to render.
func (a *Auth) httpError(c *echo.Context, err error) error {
	f := a.kit.Failure(core.HTTPRequest(c.Request()), err)
	h := c.Response().Header()
	for k, v := range f.Header {
		if k != "Content-Type" && k != "Content-Security-Policy" {
			h[k] = append([]string(nil), v...)
		}
	}
	status := core.StatusOf(err)
	return echo.NewHTTPError(status, http.StatusText(status)).Wrap(err)
}

// HTTPErrorHandler returns an echo.HTTPErrorHandler that renders errors from
// this package with core's decision and passes every other error to next
// (e.g. echo.DefaultHTTPErrorHandler(false)).
func (a *Auth) HTTPErrorHandler(next echo.HTTPErrorHandler) echo.HTTPErrorHandler {
	return func(c *echo.Context, err error) {
		var ce *core.Error
		if r, _ := echo.UnwrapResponse(c.Response()); errors.As(err, &ce) && (r == nil || !r.Committed) {
			_ = a.render(c, ce)
			return
		}
		next(c, err)
	}
}

// ProtectApp returns middleware that authenticates and authorises every
// request except bypass paths and skipped requests.
func (a *Auth) ProtectApp() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			if a.kit.Bypassed(c.Request().URL.Path) || a.skipper(c) {
				return next(c)
			}
			return a.check(c, next, nil)
		}
	}
}

// RequireAuth returns middleware for one route or group, applying the app
// policy plus rules, e.g. RequireAuth(core.AllowGroups("admins")).
func (a *Auth) RequireAuth(rules ...core.Rule) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error { return a.check(c, next, rules) }
	}
}

func (a *Auth) check(c *echo.Context, next echo.HandlerFunc, rules []core.Rule) error {
	_, done, err := a.authenticate(c, rules)
	if err != nil {
		return a.onError(c, err)
	}
	defer done()
	return next(c)
}

// authenticate runs the kit's decision and keeps a newly verified user in
// the request context, under a key only the kit can write (echo's own c.Set
// store is string-keyed: anything could plant a user there).
// The request context ends when the user's credential does (done releases
// that bound; the request's own end does too).
func (a *Auth) authenticate(c *echo.Context, rules []core.Rule) (*core.User, context.CancelFunc, error) {
	u, fresh, err := a.kit.Check(c.Request().Context(), core.HTTPExchange(c.Response(), c.Request()), rules)
	if err != nil || !fresh {
		return u, func() {}, err
	}
	ctx, done := a.kit.Admit(c.Request().Context(), u)
	c.SetRequest(c.Request().WithContext(ctx))
	return u, done, nil
}

// GetAuthUser returns the user the middleware stored, or authenticates the
// request now (app policy applied, refreshed session cookies written) and
// stores it when no middleware ran.
func (a *Auth) GetAuthUser(c *echo.Context) (*core.User, error) {
	u, _, err := a.authenticate(c, nil) // the bound ends with the request
	return u, err
}

// User returns the user the middleware verified, or nil: shorthand for
// core.UserFromContext(c.Request().Context()).
func User(c *echo.Context) *core.User {
	if c == nil || c.Request() == nil {
		return nil
	}
	u, _ := core.UserFromContext(c.Request().Context())
	return u
}

// MountHostedUI registers the hosted-UI login, callback and logout routes on
// e (an *echo.Echo or *echo.Group; see core/hostedui); ProtectApp lets them
// through.
func MountHostedUI(e interface {
	Add(method, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) echo.RouteInfo
}, ui *hostedui.HostedUI,
) {
	for _, rt := range ui.Routes() {
		e.Add(rt.Method, rt.Path, func(c *echo.Context) error {
			return render(c, rt.Serve(c.Request().Context(), hostedui.HTTPExchange(c.Response(), c.Request())))
		})
	}
}
