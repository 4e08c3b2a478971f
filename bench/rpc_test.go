package bench

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/cognitoauth/cognito-auth-go/connectauth"
	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/grpcauth"
)

// rpcParallelism is how many calls per CPU the RPC benchmarks keep in
// flight: a server under load, where each call's cost shows in throughput
// rather than in how two lone calls happen to share a connection's writes.
const rpcParallelism = 8

// rpcAuth is a BaseAuth trusting a fresh test issuer, with a warm user
// token for it.
func rpcAuth(b *testing.B) (*core.BaseAuth, string) {
	iss := ct.Start(b)
	auth, err := core.New(append(iss.Options(), core.WithBearer(true),
		core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = auth.Close() })
	return auth, iss.Mint(ct.User{Username: "alice", Groups: []string{"staff"}}).AccessToken
}

// BenchmarkGRPCUnary: a unary call (grpc.health.v1.Health/Check) over
// loopback to the same server, once with grpcauth's interceptor (the
// health service protected, a warm token) and once without it, in one run;
// the client sends the same metadata to both.
func BenchmarkGRPCUnary(b *testing.B) {
	base, tok := rpcAuth(b)
	auth, err := grpcauth.New(grpcauth.WithBaseAuth(base), grpcauth.WithProtectedHealth())
	if err != nil {
		b.Fatal(err)
	}
	start := func(opts ...grpc.ServerOption) healthpb.HealthClient {
		srv := grpc.NewServer(opts...)
		healthpb.RegisterHealthServer(srv, health.NewServer())
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		go func() { _ = srv.Serve(lis) }()
		b.Cleanup(srv.Stop)
		conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = conn.Close() })
		return healthpb.NewHealthClient(conn)
	}
	targets := []struct {
		name   string
		client healthpb.HealthClient
	}{
		{"plain", start()},
		{"protected", start(grpc.UnaryInterceptor(auth.UnaryServerInterceptor()))},
	}
	ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+tok)
	for _, tg := range targets { // warm the key and token caches, and the connections
		if _, err := tg.client.Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
			b.Fatalf("%s: %v", tg.name, err)
		}
	}
	for _, tg := range targets {
		b.Run(tg.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(rpcParallelism)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := tg.client.Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkConnectUnary: a unary Connect call over loopback HTTP/1.1 with
// keep-alive (Connect protocol, binary protobuf) to the same handler, once
// with connectauth's interceptor (a warm token) and once without it, in one
// run; the client sends the same headers to both.
func BenchmarkConnectUnary(b *testing.B) {
	base, tok := rpcAuth(b)
	auth, err := connectauth.New(connectauth.WithBaseAuth(base))
	if err != nil {
		b.Fatal(err)
	}
	const procedure = "/bench.v1.Echo/Echo"
	echo := func(_ context.Context, req *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
		return connect.NewResponse(req.Msg), nil
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.Cleanup(hc.CloseIdleConnections)
	start := func(opts ...connect.HandlerOption) *connect.Client[wrapperspb.StringValue, wrapperspb.StringValue] {
		mux := http.NewServeMux()
		mux.Handle(procedure, connect.NewUnaryHandler(procedure, echo, opts...))
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(lis) }()
		b.Cleanup(func() { _ = srv.Close() })
		return connect.NewClient[wrapperspb.StringValue, wrapperspb.StringValue](hc, "http://"+lis.Addr().String()+procedure)
	}
	targets := []struct {
		name   string
		client *connect.Client[wrapperspb.StringValue, wrapperspb.StringValue]
	}{
		{"plain", start()},
		{"protected", start(connect.WithInterceptors(auth.Interceptor()))},
	}
	call := func(c *connect.Client[wrapperspb.StringValue, wrapperspb.StringValue]) error {
		req := connect.NewRequest(wrapperspb.String("hello"))
		req.Header().Set("Authorization", "Bearer "+tok)
		_, err := c.CallUnary(context.Background(), req)
		return err
	}
	for _, tg := range targets {
		if err := call(tg.client); err != nil {
			b.Fatalf("%s: %v", tg.name, err)
		}
	}
	for _, tg := range targets {
		b.Run(tg.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(rpcParallelism)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := call(tg.client); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
