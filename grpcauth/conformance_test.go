package grpcauth_test

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/grpcauth"
)

// TestServiceConformance runs the shared service table against grpc-go:
// a real server on loopback with both interceptors, a real client.
func TestServiceConformance(t *testing.T) {
	conformance.RunServices(t, grpcDriver)
}

func grpcDriver(t *testing.T, app conformance.ServiceApp) conformance.Caller {
	opts := []grpcauth.Option{grpcauth.WithBaseAuth(app.Auth)}
	for m, r := range app.MethodRules {
		opts = append(opts, grpcauth.WithMethodRules(m, r...))
	}
	for s, r := range app.ServiceRules {
		opts = append(opts, grpcauth.WithServiceRules(s, r...))
	}
	auth, err := grpcauth.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(grpc.UnaryInterceptor(auth.UnaryServerInterceptor()), grpc.StreamInterceptor(auth.StreamServerInterceptor()))
	registerProbes(srv, app.Called)
	conn := serve(t, srv)
	return func(ctx context.Context, c conformance.Call) conformance.Result {
		return callGRPC(ctx, conn, c)
	}
}

// serve starts srv on a loopback port and returns a client connection to it.
func serve(t testing.TB, srv *grpc.Server) *grpc.ClientConn { return serveWith(t, srv) }

func serveWith(t testing.TB, srv *grpc.Server, opts ...grpc.DialOption) *grpc.ClientConn {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	opts = append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, opts...)
	conn, err := grpc.NewClient(lis.Addr().String(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// registerProbes registers the conformance methods with hand-written
// service descriptions (no generated code: the messages are
// google.protobuf.StringValue).
func registerProbes(srv *grpc.Server, called func(string)) {
	byService := map[string]*grpc.ServiceDesc{}
	for _, m := range []string{
		conformance.MethodWho, conformance.MethodWatch, conformance.MethodGet, conformance.MethodList,
		conformance.MethodDelete, conformance.MethodHealth, conformance.MethodReflection,
	} {
		service, name, _ := strings.Cut(strings.TrimPrefix(m, "/"), "/")
		sd := byService[service]
		if sd == nil {
			sd = &grpc.ServiceDesc{ServiceName: service, HandlerType: (*any)(nil)}
			byService[service] = sd
		}
		if conformance.StreamMethods[m] {
			sd.Streams = append(sd.Streams, grpc.StreamDesc{StreamName: name, ServerStreams: true, Handler: streamProbe(called)})
		} else {
			sd.Methods = append(sd.Methods, grpc.MethodDesc{MethodName: name, Handler: unaryProbe(m, called)})
		}
	}
	for _, sd := range byService {
		srv.RegisterService(sd, struct{}{})
	}
}

func unaryProbe(fullMethod string, called func(string)) grpc.MethodHandler {
	return func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
		in := new(wrapperspb.StringValue)
		if err := dec(in); err != nil {
			return nil, err
		}
		h := func(ctx context.Context, req any) (any, error) {
			called(req.(*wrapperspb.StringValue).GetValue())
			return wrapperspb.String(conformance.Principal(ctx, grpcauth.User(ctx))), nil
		}
		if interceptor == nil {
			return h(ctx, in)
		}
		return interceptor(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: fullMethod}, h)
	}
}

func streamProbe(called func(string)) grpc.StreamHandler {
	return func(_ any, ss grpc.ServerStream) error {
		in := new(wrapperspb.StringValue)
		if err := ss.RecvMsg(in); err != nil {
			return err
		}
		called(in.GetValue())
		ctx := ss.Context()
		if err := ss.SendMsg(wrapperspb.String(conformance.Principal(ctx, grpcauth.User(ctx)))); err != nil {
			return err
		}
		if !conformance.IsHold(in.GetValue()) {
			return nil
		}
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
				if err := ss.SendMsg(wrapperspb.String(conformance.Tick)); err != nil {
					return err
				}
			}
		}
	}
}

// callGRPC makes one call with the grpc-go client.
func callGRPC(ctx context.Context, conn *grpc.ClientConn, c conformance.Call) conformance.Result {
	md := metadata.MD{}
	for k, vs := range c.Header {
		md[strings.ToLower(k)] = slices.Clone(vs)
	}
	ctx = metadata.NewOutgoingContext(ctx, md)
	in := wrapperspb.String(c.Value)
	var res conformance.Result
	if !conformance.StreamMethods[c.Method] {
		out := new(wrapperspb.StringValue)
		err := conn.Invoke(ctx, c.Method, in, out)
		res.Ended = time.Now()
		if err == nil {
			res.Messages = []string{out.GetValue()}
		}
		res.Category, res.Message = category(err)
		return res
	}
	s, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, c.Method)
	if err == nil {
		err = s.SendMsg(in)
	}
	if err == nil {
		err = s.CloseSend()
	}
	for err == nil {
		out := new(wrapperspb.StringValue)
		if err = s.RecvMsg(out); err == nil {
			res.Messages = append(res.Messages, out.GetValue())
		}
	}
	res.Ended = time.Now()
	if errors.Is(err, io.EOF) {
		err = nil
	}
	res.Category, res.Message = category(err)
	return res
}

func category(err error) (conformance.Category, string) {
	st := status.Convert(err)
	switch st.Code() {
	case codes.OK:
		return conformance.OK, ""
	case codes.Unauthenticated:
		return conformance.Unauthenticated, st.Message()
	case codes.PermissionDenied:
		return conformance.PermissionDenied, st.Message()
	case codes.Unavailable:
		return conformance.Unavailable, st.Message()
	}
	return conformance.Category("other:" + st.Code().String()), st.Message()
}
