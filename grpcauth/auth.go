package grpcauth

import (
	"context"
	"net/http"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/adapterkit"
)

// Auth is the gRPC server adapter: interceptors that verify each call's
// bearer token and apply the method's rules. Build one with New; it is safe
// for concurrent use.
type Auth struct {
	kit   *adapterkit.Kit
	table *adapterkit.RPCTable
}

// options are what the Options collect; adapterkit.NewRPC builds from them.
type options = adapterkit.RPCConfig

// Option configures an Auth.
type Option func(*options)

// WithBaseAuth uses an existing BaseAuth (not closed by Auth.Close). It must
// accept bearer tokens (core.WithBearer(true) or COGNITO_AUTH_BEARER=true):
// a gRPC call carries no other credentials.
func WithBaseAuth(b *core.BaseAuth) Option { return func(o *options) { o.Auth = b } }

// WithCoreOptions passes options to core.New when Auth builds its BaseAuth
// (bearer tokens are always turned on).
func WithCoreOptions(opts ...core.Option) Option {
	return func(o *options) { o.CoreOptions = append(o.CoreOptions, opts...) }
}

// WithMethodRules applies rules to one method, named in full as gRPC names
// it: "/package.Service/Method". A method's rules replace its service's.
func WithMethodRules(fullMethod string, rules ...core.Rule) Option {
	return func(o *options) {
		o.Entries = append(o.Entries, adapterkit.RPCEntry{Option: "WithMethodRules", Name: fullMethod, Rules: rules})
	}
}

// WithServiceRules applies rules to every method of a service
// ("package.Service") that has no rules of its own.
func WithServiceRules(service string, rules ...core.Rule) Option {
	return func(o *options) {
		o.Entries = append(o.Entries, adapterkit.RPCEntry{Option: "WithServiceRules", Name: service, Rules: rules})
	}
}

// WithBypass lets calls of these methods ("/package.Service/Method") or
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
// (grpc.health.v1.Health), which is bypassed by default so that load
// balancers and orchestrators can probe without a token. Rules given for it
// with WithServiceRules or WithMethodRules protect it too.
func WithProtectedHealth() Option { return func(o *options) { o.ProtectHealth = true } }

// WithPublicReflection lets server reflection (grpc.reflection.v1 and
// v1alpha ServerReflection) through without credentials. By default it is
// protected like any service: it tells a caller every method the server has.
func WithPublicReflection() Option { return func(o *options) { o.PublicReflection = true } }

// New builds an Auth. Without WithBaseAuth it builds a BaseAuth from the
// environment (plus WithCoreOptions) with bearer tokens on. Every
// configuration problem — of core, or a malformed method or service name —
// is returned, matching core.ErrConfig.
func New(opts ...Option) (*Auth, error) {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	kit, t, err := adapterkit.NewRPC("grpcauth", o)
	if err != nil {
		return nil, err
	}
	return &Auth{kit: kit, table: t}, nil
}

// Base returns the BaseAuth in use.
func (a *Auth) Base() *core.BaseAuth { return a.kit.Auth() }

// Close closes the BaseAuth if Auth built it.
func (a *Auth) Close() error { return a.kit.Close() }

// UnaryServerInterceptor verifies every unary call but the bypassed ones:
// refused calls end with Unauthenticated, PermissionDenied or Unavailable
// (Internal only when the server is misconfigured) and never reach the
// handler. The handler's context carries the principal
// (core.UserFromContext, User) and is cancelled when the token expires.
func (a *Auth) UnaryServerInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		ctx, done, err := a.admit(ctx, info.FullMethod)
		if err != nil {
			return nil, err
		}
		defer done()
		resp, err := handler(ctx, req)
		return resp, expiredOr(ctx, err)
	}
}

// StreamServerInterceptor verifies every streaming call but the bypassed
// ones, like UnaryServerInterceptor. Streams end when the token does: the
// handler's context (ServerStream.Context) is cancelled at the principal's
// credential end (core.UntilCredentialEnd, cause core.ErrCredentialExpired), after which SendMsg and RecvMsg fail and the call ends with
// Unauthenticated. A handler blocked in RecvMsg is not woken by it: watch
// the context.
func (a *Auth) StreamServerInterceptor() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		ctx, done, err := a.admit(ss.Context(), info.FullMethod)
		if err != nil {
			return err
		}
		defer done()
		return expiredOr(ctx, handler(srv, &stream{ServerStream: ss, ctx: ctx}))
	}
}

// admit decides one call (adapterkit.Kit.AdmitRPC), a refusal as its
// status.
func (a *Auth) admit(ctx context.Context, fullMethod string) (context.Context, context.CancelFunc, error) {
	ctx, done, err := a.kit.AdmitRPC(ctx, a.table, request{ctx: ctx, method: fullMethod})
	if err != nil {
		return nil, nil, Status(err).Err()
	}
	return ctx, done, nil
}

// expiredOr returns err, or Unauthenticated when the handler ended because
// the token expired.
func expiredOr(ctx context.Context, err error) error {
	if err != nil && core.CredentialExpired(ctx) {
		return expiredStatus.Err()
	}
	return err
}

var expiredStatus = status.New(codes.Unauthenticated, "credentials expired")

// stream is a ServerStream whose context carries the principal and ends at
// the token's expiry.
type stream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *stream) Context() context.Context { return s.ctx }

func (s *stream) SendMsg(m any) error {
	if core.CredentialExpired(s.ctx) {
		return expiredStatus.Err()
	}
	return s.ServerStream.SendMsg(m)
}

func (s *stream) RecvMsg(m any) error {
	if core.CredentialExpired(s.ctx) {
		return expiredStatus.Err()
	}
	return s.ServerStream.RecvMsg(m)
}

// Status is the gRPC status a refusal with err (from core) ends a call
// with: Unauthenticated for missing, invalid or expired credentials,
// PermissionDenied, Unavailable when a key server or store failed (retry),
// and Internal only for the server's own misconfiguration. Its message
// names the category only, never token contents or the reason's code.
func Status(err error) *status.Status {
	switch core.StatusOf(err) {
	case http.StatusUnauthorized:
		return status.New(codes.Unauthenticated, "missing or invalid credentials")
	case http.StatusForbidden:
		return status.New(codes.PermissionDenied, "permission denied")
	case http.StatusServiceUnavailable:
		return status.New(codes.Unavailable, "credentials could not be checked right now; retry")
	}
	return status.New(codes.Internal, "authentication is not configured correctly on the server")
}

// User returns the principal the interceptor verified, or nil: shorthand
// for core.UserFromContext(ctx).
func User(ctx context.Context) *core.User {
	u, _ := core.UserFromContext(ctx)
	return u
}

// request is a core.Request over a call's incoming metadata: a header name
// is looked up as its lower-case metadata key
// (metadata.ValueFromIncomingContext: the one key's values, where
// FromIncomingContext copies every key of the call), Path is the full
// method. gRPC calls carry no cookies.
type request struct {
	ctx    context.Context //nolint:containedctx // the call's incoming metadata, read while the call is admitted
	method string
}

func (r request) HeaderValues(name string) []string {
	if len(name) > 4 && strings.EqualFold(name[len(name)-4:], "-bin") {
		return nil // binary metadata is never a credential
	}
	key, ok := metadataKeys[name]
	if !ok {
		key = strings.ToLower(name)
	}
	return metadata.ValueFromIncomingContext(r.ctx, key)
}

// metadataKeys are the metadata keys of the headers core reads, so that a
// call's decision lowercases nothing.
var metadataKeys = map[string]string{
	"Authorization":        "authorization",
	"Upgrade":              "upgrade", // the WebSocket origin check asks on every call
	"Origin":               "origin",
	"Host":                 "host",
	core.HeaderData:        strings.ToLower(core.HeaderData),
	core.HeaderAccessToken: strings.ToLower(core.HeaderAccessToken),
	core.HeaderIdentity:    strings.ToLower(core.HeaderIdentity),
}

func (request) Cookie(string) (string, bool) { return "", false }

func (r request) Path() string { return r.method }
