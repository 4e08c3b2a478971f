package grpcauth

import (
	"context"
	"net"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	"github.com/cognitoauth/cognito-auth-go/core/m2m"
)

// ClientOption configures PerRPCCredentials.
type ClientOption func(*clientOptions)

type clientOptions struct{ insecureLoopback bool }

// WithInsecureForTesting lets the credentials be sent over a connection
// without transport security (grpc.WithTransportCredentials(insecure.
// NewCredentials())), to a loopback server only (localhost, 127.0.0.0/8,
// ::1): calls to any other host fail with Unauthenticated before a token is
// sent. For tests and local development; never in production.
func WithInsecureForTesting() ClientOption {
	return func(o *clientOptions) { o.insecureLoopback = true }
}

// PerRPCCredentials sends "authorization: Bearer <access token>" on every
// call, the token from ts (a client-credentials token source,
// core/m2m's, golang.org/x/oauth2/clientcredentials, or any other; see
// m2m.CallToken for how it is asked). Use it with grpc.WithPerRPCCredentials (every call) or
// grpc.PerRPCCredentials (one call). It requires transport security (TLS)
// unless WithInsecureForTesting. A token that cannot be had ends the call
// with Unavailable (the token endpoint failing: retry) or Unauthenticated
// (the endpoint refused the client).
func PerRPCCredentials(ts oauth2.TokenSource, opts ...ClientOption) credentials.PerRPCCredentials {
	var o clientOptions
	for _, fn := range opts {
		fn(&o)
	}
	return perRPC{token: m2m.CallToken(ts), insecure: o.insecureLoopback}
}

type perRPC struct {
	token    func(context.Context) (*oauth2.Token, error)
	insecure bool
}

func (c perRPC) GetRequestMetadata(ctx context.Context, uri ...string) (map[string]string, error) {
	if c.insecure && !secure(ctx) && !loopback(uri) {
		return nil, status.Error(codes.Unauthenticated, "grpcauth: WithInsecureForTesting sends tokens without TLS to loopback servers only")
	}
	tok, err := c.token(ctx)
	if err != nil {
		return nil, tokenStatus(err)
	}
	if tok.AccessToken == "" {
		return nil, status.Error(codes.Unauthenticated, "grpcauth: the token source returned no access token")
	}
	return map[string]string{"authorization": "Bearer " + tok.AccessToken}, nil
}

func (c perRPC) RequireTransportSecurity() bool { return !c.insecure }

// secure reports a connection with transport security.
func secure(ctx context.Context) bool {
	ri, ok := credentials.RequestInfoFromContext(ctx)
	return ok && credentials.CheckSecurityLevel(ri.AuthInfo, credentials.PrivacyAndIntegrity) == nil
}

// loopback reports whether the call's audience ("https://host:port/pkg.Service",
// from the target's authority) is a loopback host.
func loopback(uri []string) bool {
	if len(uri) == 0 {
		return false
	}
	u, err := url.Parse(uri[0])
	if err != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// tokenStatus is the status of a call whose token could not be had: the
// token endpoint refusing the client (a 4xx) is Unauthenticated, anything
// else (unreachable, a 5xx) Unavailable, so the caller retries.
func tokenStatus(err error) error {
	if m2m.Refused(err) {
		return status.Error(codes.Unauthenticated, "grpcauth: the token endpoint refused the client: "+err.Error())
	}
	return status.Error(codes.Unavailable, "grpcauth: no token: "+err.Error())
}
