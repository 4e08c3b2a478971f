package connectauth

import (
	"context"
	"errors"

	"connectrpc.com/connect"
	"golang.org/x/oauth2"

	"github.com/cognitoauth/cognito-auth-go/core/m2m"
)

// ClientInterceptor adds "Authorization: Bearer <access token>" to every
// call of a Connect client (unary and streaming), the token from ts (a
// client-credentials token source: core/m2m's,
// golang.org/x/oauth2/clientcredentials, or any other; see m2m.CallToken
// for how it is asked). Give it to the client with
// connect.WithInterceptors; it lets handler calls through untouched. A
// token that cannot be had fails the call with CodeUnavailable (the token
// endpoint failing: retry) or CodeUnauthenticated (the endpoint refused the
// client). Send it over TLS (an https:// base URL) except to loopback.
func ClientInterceptor(ts oauth2.TokenSource) connect.Interceptor {
	return clientInterceptor{token: m2m.CallToken(ts)}
}

type clientInterceptor struct {
	token func(context.Context) (*oauth2.Token, error)
}

func (c clientInterceptor) authorization(ctx context.Context) (string, error) {
	tok, err := c.token(ctx)
	if err != nil {
		return "", tokenError(err)
	}
	if tok.AccessToken == "" {
		return "", connect.NewError(connect.CodeUnauthenticated, errors.New("connectauth: the token source returned no access token"))
	}
	return "Bearer " + tok.AccessToken, nil
}

func (c clientInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if !req.Spec().IsClient {
			return next(ctx, req)
		}
		v, err := c.authorization(ctx)
		if err != nil {
			return nil, err
		}
		req.Header().Set("Authorization", v)
		return next(ctx, req)
	}
}

func (c clientInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return func(ctx context.Context, spec connect.Spec) connect.StreamingClientConn {
		conn := next(ctx, spec)
		v, err := c.authorization(ctx)
		if err != nil {
			return failedConn{StreamingClientConn: conn, err: err}
		}
		conn.RequestHeader().Set("Authorization", v)
		return conn
	}
}

func (clientInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}

// failedConn is a client stream that fails before anything is sent.
type failedConn struct {
	connect.StreamingClientConn
	err error
}

func (f failedConn) Send(any) error    { return f.err }
func (f failedConn) Receive(any) error { return f.err }

// tokenError is the error of a call whose token could not be had.
func tokenError(err error) error {
	if m2m.Refused(err) {
		return connect.NewError(connect.CodeUnauthenticated, errors.New("connectauth: the token endpoint refused the client: "+err.Error()))
	}
	return connect.NewError(connect.CodeUnavailable, errors.New("connectauth: no token: "+err.Error()))
}
