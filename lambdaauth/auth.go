package lambdaauth

import (
	"context"
	"net/http"
	"strconv"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/adapterkit"
)

// Handler is an ALB target-group Lambda handler.
type Handler func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error)

// ErrorHandler answers a refused request.
type ErrorHandler func(ctx context.Context, e events.ALBTargetGroupRequest, err error) (events.ALBTargetGroupResponse, error)

// Auth is the Lambda adapter. Build one per process (outside the handler) with
// New; it is safe for concurrent use and keeps its key caches warm across
// invocations.
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

// WithBypass lets these exact paths through Protect (a trailing slash is
// ignored), e.g. "/health".
func WithBypass(paths ...string) Option {
	return func(o *options) { o.Bypass = append(o.Bypass, paths...) }
}

// WithErrorHandler replaces the default response for refusals.
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
		a.onError = func(_ context.Context, e events.ALBTargetGroupRequest, err error) (events.ALBTargetGroupResponse, error) {
			return a.FailureResponse(&e, err), nil
		}
	}
	return a, nil
}

// Base returns the BaseAuth in use.
func (a *Auth) Base() *core.BaseAuth { return a.kit.Auth() }

// Close closes the BaseAuth if Auth built it.
func (a *Auth) Close() error { return a.kit.Close() }

// Protect wraps a whole handler: every request except bypass paths is
// authenticated and authorised first, and the user is put in the context.
func (a *Auth) Protect(h Handler) Handler {
	return func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		if a.kit.Bypassed(e.Path) {
			return h(ctx, e)
		}
		return a.serve(ctx, e, h, nil)
	}
}

// RequireAuth wraps one route's handler with the app policy plus rules,
// reusing the user Protect stored when there is one.
func (a *Auth) RequireAuth(h Handler, rules ...core.Rule) Handler {
	return func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		return a.serve(ctx, e, h, rules)
	}
}

func (a *Auth) serve(ctx context.Context, e events.ALBTargetGroupRequest, h Handler, rules []core.Rule) (events.ALBTargetGroupResponse, error) {
	u, fresh, err := a.kit.Check(ctx, Request(&e), rules)
	if err != nil {
		return a.onError(ctx, e, err)
	}
	if fresh {
		ctx = a.kit.StoreUser(ctx, u)
	}
	return h(ctx, e)
}

// GetAuthUser returns the user Protect stored in ctx, or authenticates the
// event now (app policy applied). Errors match core's sentinels.
func (a *Auth) GetAuthUser(ctx context.Context, e events.ALBTargetGroupRequest) (*core.User, error) {
	u, _, err := a.kit.Check(ctx, Request(&e), nil)
	return u, err
}

// User returns the user Protect verified and stored in ctx, or nil (never a
// user put in ctx with core.ContextWithUser).
func User(ctx context.Context) *core.User { return adapterkit.VerifiedUser(ctx) }

// FailureResponse is core's decision for a refused event as an ALB
// response, with multi-value headers when the request used them.
func (a *Auth) FailureResponse(e *events.ALBTargetGroupRequest, err error) events.ALBTargetGroupResponse {
	f := a.kit.Failure(Request(e), err)
	return Response(e, f.Status, f.Header, string(f.Body))
}

// Response builds an ALB response in the header shape the request used.
func Response(e *events.ALBTargetGroupRequest, status int, h http.Header, body string) events.ALBTargetGroupResponse {
	r := events.ALBTargetGroupResponse{
		StatusCode:        status,
		StatusDescription: strconv.Itoa(status) + " " + http.StatusText(status),
		Body:              body,
	}
	if multiValue(e) {
		r.MultiValueHeaders = map[string][]string{}
		for k, v := range h {
			r.MultiValueHeaders[k] = append([]string(nil), v...)
		}
		return r
	}
	r.Headers = map[string]string{}
	for k, v := range h {
		if len(v) > 0 {
			r.Headers[k] = v[len(v)-1]
		}
	}
	return r
}
