package connectauth

import (
	"context"
	"errors"
	"net/http"

	"connectrpc.com/connect"
	"golang.org/x/oauth2"
)

// ClientInterceptor adds "Authorization: Bearer <access token>" to every
// call of a Connect client (unary and streaming), the token from ts (a
// client-credentials token source, golang.org/x/oauth2/clientcredentials,
// or any other), wrapped in oauth2.ReuseTokenSource so a token is fetched
// only when the last one is about to expire. Give it to the client with
// connect.WithInterceptors; it lets handler calls through untouched. A
// token that cannot be had fails the call with CodeUnavailable (the token
// endpoint failing: retry) or CodeUnauthenticated (the endpoint refused the
// client). Send it over TLS (an https:// base URL) except to loopback.
func ClientInterceptor(ts oauth2.TokenSource) connect.Interceptor {
	return clientInterceptor{ts: oauth2.ReuseTokenSource(nil, ts)}
}

type clientInterceptor struct{ ts oauth2.TokenSource }

func (c clientInterceptor) authorization() (string, error) {
	tok, err := c.ts.Token()
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
		v, err := c.authorization()
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
		v, err := c.authorization()
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
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode >= http.StatusBadRequest && re.Response.StatusCode < http.StatusInternalServerError {
		return connect.NewError(connect.CodeUnauthenticated, errors.New("connectauth: the token endpoint refused the client: "+re.Error()))
	}
	return connect.NewError(connect.CodeUnavailable, errors.New("connectauth: no token: "+err.Error()))
}
