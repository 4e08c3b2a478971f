package connectauth_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/cognitoauth/cognito-auth-go/connectauth"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
)

// transport is one way a client reaches the handlers.
type transport struct {
	name string
	h2c  bool                   // HTTP/2 without TLS (else HTTP/1.1)
	opts []connect.ClientOption // the protocol: Connect by default
}

var transports = []transport{
	{name: "connect-http1"},
	{name: "connect-h2c", h2c: true},
	{name: "grpc-h2c", h2c: true, opts: []connect.ClientOption{connect.WithGRPC()}},
	{name: "grpcweb-http1", opts: []connect.ClientOption{connect.WithGRPCWeb()}},
}

// TestServiceConformance runs the shared service table against Connect
// handlers on net/http — a real server on loopback serving HTTP/1.1 and
// h2c — with real Connect clients over each transport.
func TestServiceConformance(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			conformance.RunServices(t, func(t *testing.T, app conformance.ServiceApp) conformance.Caller {
				return connectDriver(t, app, tr)
			})
		})
	}
}

func connectDriver(t *testing.T, app conformance.ServiceApp, tr transport) conformance.Caller {
	opts := []connectauth.Option{connectauth.WithBaseAuth(app.Auth)}
	for m, r := range app.MethodRules {
		opts = append(opts, connectauth.WithMethodRules(m, r...))
	}
	for s, r := range app.ServiceRules {
		opts = append(opts, connectauth.WithServiceRules(s, r...))
	}
	auth, err := connectauth.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	base := serveHandlers(t, probeMux(app.Called, connect.WithInterceptors(auth.Interceptor())))
	hc := httpClient(t, tr.h2c)
	return func(ctx context.Context, c conformance.Call) conformance.Result {
		return callConnect(ctx, hc, base, c, tr.opts...)
	}
}

// probeMux serves the conformance procedures with connect handlers
// (google.protobuf.StringValue messages, no generated code).
func probeMux(called func(string), opts ...connect.HandlerOption) *http.ServeMux {
	mux := http.NewServeMux()
	for _, p := range []string{
		conformance.MethodWho, conformance.MethodWatch, conformance.MethodGet, conformance.MethodList,
		conformance.MethodDelete, conformance.MethodHealth, conformance.MethodReflection,
	} {
		if conformance.StreamMethods[p] {
			mux.Handle(p, connect.NewServerStreamHandler(p, streamProbe(called), opts...))
		} else {
			mux.Handle(p, connect.NewUnaryHandler(p, unaryProbe(called), opts...))
		}
	}
	return mux
}

func unaryProbe(called func(string)) func(context.Context, *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
	return func(ctx context.Context, req *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
		called(req.Msg.GetValue())
		return connect.NewResponse(wrapperspb.String(conformance.Principal(ctx, connectauth.User(ctx)))), nil
	}
}

func streamProbe(called func(string)) func(context.Context, *connect.Request[wrapperspb.StringValue], *connect.ServerStream[wrapperspb.StringValue]) error {
	return func(ctx context.Context, req *connect.Request[wrapperspb.StringValue], s *connect.ServerStream[wrapperspb.StringValue]) error {
		called(req.Msg.GetValue())
		if err := s.Send(wrapperspb.String(conformance.Principal(ctx, connectauth.User(ctx)))); err != nil {
			return err
		}
		if !conformance.IsHold(req.Msg.GetValue()) {
			return nil
		}
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
				if err := s.Send(wrapperspb.String(conformance.Tick)); err != nil {
					return err
				}
			}
		}
	}
}

// serveHandlers serves h on loopback with HTTP/1.1 and unencrypted HTTP/2
// (h2c, http.Protocols) and returns its base URL.
func serveHandlers(t testing.TB, h http.Handler) string {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: h, Protocols: &protocols, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + lis.Addr().String()
}

// httpClient speaks HTTP/1.1, or h2c (prior knowledge) only.
func httpClient(t testing.TB, h2c bool) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 64, TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}
	if h2c {
		var protocols http.Protocols
		protocols.SetUnencryptedHTTP2(true)
		tr.Protocols = &protocols
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// callConnect makes one call with a Connect client.
func callConnect(ctx context.Context, hc *http.Client, base string, c conformance.Call, opts ...connect.ClientOption) conformance.Result {
	client := connect.NewClient[wrapperspb.StringValue, wrapperspb.StringValue](hc, base+c.Method, opts...)
	req := connect.NewRequest(wrapperspb.String(c.Value))
	for k, vs := range c.Header {
		for _, v := range vs {
			req.Header().Add(k, v)
		}
	}
	var res conformance.Result
	if !conformance.StreamMethods[c.Method] {
		resp, err := client.CallUnary(ctx, req)
		res.Ended = time.Now()
		if err == nil {
			res.Messages = []string{resp.Msg.GetValue()}
		}
		res.Category, res.Message = category(err)
		return res
	}
	s, err := client.CallServerStream(ctx, req)
	if err == nil {
		for s.Receive() {
			res.Messages = append(res.Messages, s.Msg().GetValue())
		}
		err = s.Err()
		_ = s.Close()
	}
	res.Ended = time.Now()
	res.Category, res.Message = category(err)
	return res
}

func category(err error) (conformance.Category, string) {
	if err == nil {
		return conformance.OK, ""
	}
	var ce *connect.Error
	msg := err.Error()
	if errors.As(err, &ce) {
		msg = ce.Message()
	}
	switch connect.CodeOf(err) {
	case connect.CodeUnauthenticated:
		return conformance.Unauthenticated, msg
	case connect.CodePermissionDenied:
		return conformance.PermissionDenied, msg
	case connect.CodeUnavailable:
		return conformance.Unavailable, msg
	}
	return conformance.Category("other:" + connect.CodeOf(err).String()), msg
}
