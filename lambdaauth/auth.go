package lambdaauth

import (
	"context"
	"log/slog"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/adapterkit"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// Auth is the Lambda adapter for the three HTTP event shapes: ALB
// target-group events, API Gateway REST API events (payload 1.0) and HTTP
// API events (payload 2.0). Build one per execution environment (outside
// the handler) with New; it is safe for concurrent use and keeps its key
// caches warm across invocations.
type Auth struct {
	kit     *adapterkit.Kit
	ui      *hostedui.HostedUI
	onError ErrorHandler
}

type options struct {
	adapterkit.Config
	ui      *hostedui.HostedUI
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

// WithBypass lets these exact paths through Protect (a trailing slash is
// ignored), e.g. "/health".
func WithBypass(paths ...string) Option {
	return func(o *options) { o.Bypass = append(o.Bypass, paths...) }
}

// WithErrorHandler replaces the default response for refused ALB events.
func WithErrorHandler(h ErrorHandler) Option { return func(o *options) { o.onError = h } }

// WithHostedUI runs the hosted-UI login: the Protect handlers answer its
// login, callback and logout routes (at the paths the app sees, without the
// API Gateway stage), its session is a credential source, and browsers without
// one are sent to log in. When Auth builds its BaseAuth it shares ui's
// Verifier; with WithBaseAuth, build that BaseAuth with
// core.WithVerifier(ui.Verifier()) and core.WithSources(ui).
func WithHostedUI(ui *hostedui.HostedUI) Option {
	return func(o *options) { o.ui = ui }
}

// New builds an Auth. Without WithBaseAuth it builds a BaseAuth from the
// environment (plus WithCoreOptions).
func New(opts ...Option) (*Auth, error) {
	var o options
	for _, fn := range opts {
		if fn != nil {
			fn(&o)
		}
	}
	if o.ui != nil && o.Auth == nil {
		o.CoreOptions = append(o.CoreOptions, core.WithVerifier(o.ui.Verifier()), core.WithSources(o.ui))
	}
	kit, err := adapterkit.New(o.Config)
	if err != nil {
		return nil, err
	}
	return &Auth{kit: kit, ui: o.ui, onError: o.onError}, nil
}

// Base returns the BaseAuth in use.
func (a *Auth) Base() *core.BaseAuth { return a.kit.Auth() }

// Close closes the BaseAuth if Auth built it.
func (a *Auth) Close() error { return a.kit.Close() }

// User returns the user Protect verified, or nil: shorthand for
// core.UserFromContext(ctx).
func User(ctx context.Context) *core.User {
	u, _ := core.UserFromContext(ctx)
	return u
}

// guardScope is what a guard covers: the whole app (the Protect handlers)
// or one route (the RequireAuth handlers).
type guardScope int

const (
	wholeApp guardScope = iota
	oneRoute
)

// guard is the one decision for every event shape. An event with ambiguous
// headers (a credential with two values under two spellings) is refused
// first, on every path. For the whole app a hosted-UI route is answered
// here and bypass paths pass; then the user is authenticated (or a stored
// one authorised with rules). It returns the context for the handler, or
// the response that ends the request (and the refusal, when it is one).
func (a *Auth) guard(ctx context.Context, x *exchange, rules []core.Rule, scope guardScope) (context.Context, *response, error) {
	ctx = context.WithValue(core.ContextWithAuthorizerClaims(ctx, x.claims), exchangeKey{}, x)
	if err := a.refuseAmbiguous(ctx, x); err != nil {
		return ctx, a.failure(x, err), err
	}
	if scope == wholeApp {
		if a.ui != nil {
			if r, ok := a.ui.Serve(ctx, x); ok {
				return ctx, fromCore(r), nil
			}
		}
		if a.kit.Bypassed(x.path) {
			return ctx, nil, nil
		}
	}
	u, fresh, err := a.kit.Check(ctx, x, rules)
	if err != nil {
		return ctx, a.failure(x, err), err
	}
	if fresh {
		// The handler's context ends when the credential does; released
		// when the invocation ends (exchange.finish).
		ctx, x.done = a.kit.Admit(ctx, u)
	}
	return ctx, nil, nil
}

// exchangeKey is the context key of the exchange a Protect or RequireAuth
// handler is serving.
type exchangeKey struct{}

// user is GetAuthUser for any shape. Inside a Protect or RequireAuth
// handler it authenticates the exchange being served, so cookies a session
// refresh sets reach that handler's response (on bypass paths too).
func (a *Auth) user(ctx context.Context, x *exchange) (*core.User, error) {
	if served, ok := ctx.Value(exchangeKey{}).(*exchange); ok {
		x = served // its claims are already in ctx (guard)
	} else {
		ctx = core.ContextWithAuthorizerClaims(ctx, x.claims)
	}
	if err := a.refuseAmbiguous(ctx, x); err != nil {
		return nil, err
	}
	u, _, err := a.kit.Check(ctx, x, nil)
	return u, err
}

// refuseAmbiguous returns the refusal of x's ambiguous headers, logged as
// core logs its refusals (code, reason, path), or nil.
func (a *Auth) refuseAmbiguous(ctx context.Context, x *exchange) error {
	if x.ambiguous == nil {
		return nil
	}
	a.Base().Logger().LogAttrs(ctx, slog.LevelInfo, "cognito-auth: request refused",
		slog.String("code", string(core.CodeOf(x.ambiguous))), slog.String("reason", x.ambiguous.Error()), slog.String("path", x.path))
	return x.ambiguous
}

// failure is core's decision for a refused request.
func (a *Auth) failure(x *exchange, err error) *response { return fromCore(a.kit.Failure(x, err)) }

// fromCore takes a core.Response (a refusal, or a hosted-UI route's answer)
// into an event response.
func fromCore(r core.Response) *response {
	return &response{status: r.Status, header: r.Header, body: r.Body}
}
