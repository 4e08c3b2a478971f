package fiberv3auth

import (
	"errors"
	"net/http"
	"sync"

	"github.com/gofiber/fiber/v3"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/adapterkit"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// ErrorHandler handles a refused request; what it returns is returned by the
// middleware. The next handler is never called.
type ErrorHandler = fiber.ErrorHandler

// Auth is the fiber adapter. Build one with New; it is safe for concurrent use.
type Auth struct {
	kit         *adapterkit.Kit
	next        func(fiber.Ctx) bool
	onError     ErrorHandler
	fiberErrors bool
	bufferCheck sync.Once
}

// MinReadBufferSize is the smallest fiber ReadBufferSize that holds a real
// ALB browser request (session cookie shards of ~4 KB each, tokens, and the
// ALB's own headers). Below it fiber answers such requests 431 before the
// middleware runs; Auth logs a warning at the first request.
const MinReadBufferSize = 16 << 10

// checkBuffer warns once when the app's ReadBufferSize is too small.
func (a *Auth) checkBuffer(c fiber.Ctx) {
	a.bufferCheck.Do(func() {
		size := c.App().Config().ReadBufferSize
		if size == 0 {
			size = fiber.DefaultReadBufferSize
		}
		if size < MinReadBufferSize {
			a.kit.Auth().Logger().Warn("cognito-auth: fiber's ReadBufferSize is too small for requests behind an ALB; browsers with session cookies will get 431. Set fiber.Config{ReadBufferSize: 64 << 10}",
				"read_buffer_size", size, "minimum", MinReadBufferSize)
		}
	})
}

type options struct {
	adapterkit.Config
	next        func(fiber.Ctx) bool
	onError     ErrorHandler
	fiberErrors bool
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

// WithNext skips ProtectApp when next returns true (fiber's middleware
// convention), in addition to bypass paths.
func WithNext(next func(fiber.Ctx) bool) Option { return func(o *options) { o.next = next } }

// WithErrorHandler replaces the default handling of refusals.
func WithErrorHandler(h ErrorHandler) Option { return func(o *options) { o.onError = h } }

// WithFiberErrors makes the middleware return an *Error (a *fiber.Error
// carrying the *core.Error) for the app's ErrorHandler, instead of rendering
// the refusal itself. Use auth.ErrorHandler to keep core's decision.
func WithFiberErrors() Option { return func(o *options) { o.fiberErrors = true } }

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
	a := &Auth{kit: kit, next: o.next, onError: o.onError, fiberErrors: o.fiberErrors}
	if a.onError == nil {
		a.onError = a.defaultError
	}
	return a, nil
}

// Base returns the BaseAuth in use.
func (a *Auth) Base() *core.BaseAuth { return a.kit.Auth() }

// Close closes the BaseAuth if Auth built it.
func (a *Auth) Close() error { return a.kit.Close() }

// Error is returned by the middleware under WithFiberErrors. errors.As finds
// in it both a *fiber.Error (the status, for fiber's own error handlers) and
// the *core.Error (the reason).
type Error struct {
	status *fiber.Error
	err    error
}

// Error returns the HTTP status text; never token contents.
func (e *Error) Error() string { return e.status.Message }

// Unwrap returns the *fiber.Error and the *core.Error.
func (e *Error) Unwrap() []error { return []error{e.status, e.err} }

func (a *Auth) defaultError(c fiber.Ctx, err error) error {
	if !a.fiberErrors {
		return a.render(c, err)
	}
	// The app's error handler renders the body: set the refusal's other
	// headers (WWW-Authenticate, no-store, Retry-After, …).
	for k, v := range a.kit.Failure(request{c}, err).Header {
		if k != "Content-Type" && k != "Content-Security-Policy" {
			for _, s := range v {
				c.Set(k, s)
			}
		}
	}
	status := core.StatusOf(err)
	return &Error{status: fiber.NewError(status, http.StatusText(status)), err: err}
}

// render writes core's failure decision.
func (a *Auth) render(c fiber.Ctx, err error) error { return render(c, a.kit.Failure(request{c}, err)) }

// render writes a core.Response with fiber's calls: its headers, then the
// status and body. Every answer core and the hosted UI give goes through it.
func render(c fiber.Ctx, r core.Response) error {
	for k, v := range r.Header {
		for _, s := range v {
			c.Set(k, s)
		}
	}
	return c.Status(r.Status).Send(r.Body)
}

// ErrorHandler returns a fiber.ErrorHandler that renders errors from this
// package with core's decision and passes every other error to next (e.g.
// fiber.DefaultErrorHandler).
func (a *Auth) ErrorHandler(next fiber.ErrorHandler) fiber.ErrorHandler {
	return func(c fiber.Ctx, err error) error {
		var ce *core.Error
		if errors.As(err, &ce) {
			return a.render(c, ce)
		}
		return next(c, err)
	}
}

// ProtectApp returns middleware that authenticates and authorises every
// request except bypass paths and those Next selects.
func (a *Auth) ProtectApp() fiber.Handler {
	return func(c fiber.Ctx) error {
		a.checkBuffer(c)
		if a.kit.Bypassed(c.Path()) || (a.next != nil && a.next(c)) {
			return c.Next()
		}
		return a.check(c, nil)
	}
}

// RequireAuth returns middleware for one route or group, applying the app
// policy plus rules, e.g. RequireAuth(core.AllowGroups("admins")).
func (a *Auth) RequireAuth(rules ...core.Rule) fiber.Handler {
	return func(c fiber.Ctx) error {
		a.checkBuffer(c)
		return a.check(c, rules)
	}
}

func (a *Auth) check(c fiber.Ctx, rules []core.Rule) error {
	u, fresh, err := a.kit.Check(c.Context(), request{c}, rules)
	if err != nil {
		return a.onError(c, err)
	}
	if fresh { // the handlers' context ends when the credential does
		ctx, done := a.kit.Admit(c.Context(), u)
		defer done()
		c.SetContext(ctx)
	}
	return c.Next()
}

// GetAuthUser returns the user the middleware stored, or authenticates the
// request now (app policy applied, refreshed session cookies written) and
// stores it when no middleware ran (a fasthttp context never ends:
// GetAuthUser does not bound it; a long-lived handler calls
// core.UntilCredentialEnd).
func (a *Auth) GetAuthUser(c fiber.Ctx) (*core.User, error) {
	u, fresh, err := a.kit.Check(c.Context(), request{c}, nil)
	if err == nil && fresh {
		c.SetContext(a.kit.StoreUser(c.Context(), u))
	}
	return u, err
}

// User returns the user the middleware verified, or nil: shorthand for
// core.UserFromContext(c.Context()).
func User(c fiber.Ctx) *core.User {
	if c == nil {
		return nil
	}
	u, _ := core.UserFromContext(c.Context())
	return u
}

// MountHostedUI registers the hosted-UI login, callback and logout routes on
// r (see core/hostedui), natively; ProtectApp lets them through.
func MountHostedUI(r fiber.Router, ui *hostedui.HostedUI) {
	for _, rt := range ui.Routes() {
		r.Add([]string{rt.Method}, rt.Path, func(c fiber.Ctx) error {
			return render(c, rt.Serve(c.Context(), exchange{request{c}}))
		})
	}
}
