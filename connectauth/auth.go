package connectauth

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"connectrpc.com/connect"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/adapterkit"
)

// Auth is the Connect handler adapter: an interceptor that verifies each
// call's bearer token and applies the procedure's rules. Build one with
// New; it is safe for concurrent use.
type Auth struct {
	kit   *adapterkit.Kit
	table *adapterkit.RPCTable
}

// options are what the Options collect; adapterkit.NewRPC builds from them.
type options = adapterkit.RPCConfig

// Option configures an Auth.
type Option func(*options)

// WithBaseAuth uses an existing BaseAuth (not closed by Auth.Close). It must
// accept bearer tokens (core.WithBearer(true) or COGNITO_AUTH_BEARER=true).
func WithBaseAuth(b *core.BaseAuth) Option { return func(o *options) { o.Auth = b } }

// WithCoreOptions passes options to core.New when Auth builds its BaseAuth
// (bearer tokens are always turned on).
func WithCoreOptions(opts ...core.Option) Option {
	return func(o *options) { o.CoreOptions = append(o.CoreOptions, opts...) }
}

// WithMethodRules applies rules to one procedure, named in full:
// "/package.Service/Method". A procedure's rules replace its service's.
func WithMethodRules(procedure string, rules ...core.Rule) Option {
	return func(o *options) {
		o.Entries = append(o.Entries, adapterkit.RPCEntry{Option: "WithMethodRules", Name: procedure, Rules: rules})
	}
}

// WithServiceRules applies rules to every procedure of a service
// ("package.Service") that has no rules of its own.
func WithServiceRules(service string, rules ...core.Rule) Option {
	return func(o *options) {
		o.Entries = append(o.Entries, adapterkit.RPCEntry{Option: "WithServiceRules", Name: service, Rules: rules})
	}
}

// WithBypass lets calls of these procedures ("/package.Service/Method") or
// services ("package.Service") through without credentials; the handler
// sees no principal.
func WithBypass(names ...string) Option {
	return func(o *options) {
		for _, n := range names {
			o.Entries = append(o.Entries, adapterkit.RPCEntry{Option: "WithBypass", Name: n, Public: true})
		}
	}
}

// WithProtectedHealth protects the standard health service
// (grpc.health.v1.Health), bypassed by default so that load balancers can
// probe without a token. Rules given for it protect it too.
func WithProtectedHealth() Option { return func(o *options) { o.ProtectHealth = true } }

// WithPublicReflection lets server reflection (grpc.reflection.v1 and
// v1alpha ServerReflection) through without credentials; it is protected
// by default.
func WithPublicReflection() Option { return func(o *options) { o.PublicReflection = true } }

// New builds an Auth. Without WithBaseAuth it builds a BaseAuth from the
// environment (plus WithCoreOptions) with bearer tokens on. Every
// configuration problem — of core, or a malformed procedure or service
// name — is returned, matching core.ErrConfig.
func New(opts ...Option) (*Auth, error) {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	kit, t, err := adapterkit.NewRPC("connectauth", o)
	if err != nil {
		return nil, err
	}
	return &Auth{kit: kit, table: t}, nil
}

// Base returns the BaseAuth in use.
func (a *Auth) Base() *core.BaseAuth { return a.kit.Auth() }

// Close closes the BaseAuth if Auth built it.
func (a *Auth) Close() error { return a.kit.Close() }

// Interceptor returns the handler-side interceptor, for
// connect.WithInterceptors on every handler (unary and streaming; it lets
// client calls through untouched). Refused calls end with
// CodeUnauthenticated, CodePermissionDenied or CodeUnavailable
// (CodeInternal only when the server is misconfigured) and never reach the
// handler. The handler's context carries the principal
// (core.UserFromContext, User) and is cancelled at the token's expiry:
// streams end when their token does, with CodeUnauthenticated.
func (a *Auth) Interceptor() connect.Interceptor { return interceptor{a} }

type interceptor struct{ a *Auth }

func (i interceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if req.Spec().IsClient {
			return next(ctx, req)
		}
		ctx, done, err := i.a.admit(ctx, req.Spec().Procedure, req.Header())
		if err != nil {
			return nil, err
		}
		defer done()
		resp, err := next(ctx, req)
		return resp, expiredOr(ctx, err)
	}
}

func (interceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (i interceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		ctx, done, err := i.a.admit(ctx, conn.Spec().Procedure, conn.RequestHeader())
		if err != nil {
			return err
		}
		defer done()
		return expiredOr(ctx, next(ctx, &stream{StreamingHandlerConn: conn, ctx: ctx}))
	}
}

// admit decides one call (adapterkit.Kit.AdmitRPC), a refusal as its
// Connect error.
func (a *Auth) admit(ctx context.Context, procedure string, h http.Header) (context.Context, context.CancelFunc, error) {
	ctx, done, err := a.kit.AdmitRPC(ctx, a.table, request{h: h, procedure: procedure})
	if err != nil {
		return nil, nil, Error(err)
	}
	return ctx, done, nil
}

// expiredOr returns err, or CodeUnauthenticated when the handler ended
// because the token expired.
func expiredOr(ctx context.Context, err error) error {
	if err != nil && core.CredentialExpired(ctx) {
		return errExpired()
	}
	return err
}

func errExpired() error {
	return connect.NewError(connect.CodeUnauthenticated, errors.New("credentials expired"))
}

// stream is a handler's stream whose sends and receives fail once the
// token has expired.
type stream struct {
	connect.StreamingHandlerConn
	ctx context.Context
}

func (s *stream) Send(m any) error {
	if core.CredentialExpired(s.ctx) {
		return errExpired()
	}
	return s.StreamingHandlerConn.Send(m)
}

func (s *stream) Receive(m any) error {
	if core.CredentialExpired(s.ctx) {
		return errExpired()
	}
	return s.StreamingHandlerConn.Receive(m)
}

// Error is the Connect error a refusal with err (from core) ends a call
// with: CodeUnauthenticated for missing, invalid or expired credentials,
// CodePermissionDenied, CodeUnavailable when a key server or store failed
// (retry), and CodeInternal only for the server's own misconfiguration.
// Its message names the category only, never token contents or the
// reason's code.
func Error(err error) *connect.Error {
	switch core.StatusOf(err) {
	case http.StatusUnauthorized:
		return connect.NewError(connect.CodeUnauthenticated, errors.New("missing or invalid credentials"))
	case http.StatusForbidden:
		return connect.NewError(connect.CodePermissionDenied, errors.New("permission denied"))
	case http.StatusServiceUnavailable:
		return connect.NewError(connect.CodeUnavailable, errors.New("credentials could not be checked right now; retry"))
	}
	return connect.NewError(connect.CodeInternal, errors.New("authentication is not configured correctly on the server"))
}

// User returns the principal the interceptor verified, or nil: shorthand
// for core.UserFromContext(ctx).
func User(ctx context.Context) *core.User {
	u, _ := core.UserFromContext(ctx)
	return u
}

// request is a core.Request over a call's request headers; Path is the
// procedure. Only bearer tokens are read: cookies are not looked at.
type request struct {
	h         http.Header
	procedure string
}

func (r request) HeaderValues(name string) []string {
	if len(name) > 4 && strings.EqualFold(name[len(name)-4:], "-bin") {
		return nil // binary metadata is never a credential
	}
	if v, ok := r.h[name]; ok { // core's names are canonical, as net/http stores them
		return v
	}
	return r.h.Values(name)
}

func (request) Cookie(string) (string, bool) { return "", false }

func (r request) Path() string { return r.procedure }
