package grpcauth_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/grpcauth"
)

// listen serves srv on loopback and returns a connection to it (TLS in
// production: grpc.WithTransportCredentials(credentials.NewTLS(...))).
func listen(srv *grpc.Server, opts ...grpc.DialOption) (*grpc.ClientConn, func()) {
	lis, _ := net.Listen("tcp", "127.0.0.1:0")
	go func() { _ = srv.Serve(lis) }()
	conn, _ := grpc.NewClient(lis.Addr().String(), append(opts, grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	return conn, func() { _ = conn.Close(); srv.Stop() }
}

func quietLogger() core.Option {
	return core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// bearer returns ctx with "authorization: Bearer tok" for an outgoing call.
func bearer(ctx context.Context, tok string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tok)
}

// Protect a gRPC server: rules per service and per method, the health
// service open to probes by default.
func ExampleNew() {
	iss, _ := cognitotest.New() // plays the user pool; in production New reads COGNITO_AUTH_*
	defer iss.Close()
	auth, err := grpcauth.New(
		grpcauth.WithCoreOptions(append(iss.Options(), quietLogger())...),
		grpcauth.WithServiceRules("orders.v1.OrderService", core.RequireScopes("orders/read")),
		grpcauth.WithMethodRules("/orders.v1.OrderService/DeleteOrder", core.AllowGroups("admins")),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(auth.UnaryServerInterceptor()),
		grpc.ChainStreamInterceptor(auth.StreamServerInterceptor()),
	)
	healthpb.RegisterHealthServer(srv, health.NewServer())
	conn, stop := listen(srv)
	defer stop()

	resp, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{})
	fmt.Println(resp.GetStatus(), err) // no token needed for the health service

	_, err = grpcauth.New(grpcauth.WithCoreOptions(iss.Options()...), grpcauth.WithMethodRules("orders.v1.OrderService.GetOrder"))
	fmt.Println(err != nil)
	// Output:
	// SERVING <nil>
	// true
}

// A unary call with and without a token; the next interceptor (or the
// handler) reads the principal from its context.
func ExampleAuth_UnaryServerInterceptor() {
	iss, _ := cognitotest.New()
	defer iss.Close()
	auth, _ := grpcauth.New(grpcauth.WithCoreOptions(append(iss.Options(), quietLogger())...), grpcauth.WithProtectedHealth())
	defer auth.Close()
	whoami := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		u, _ := core.UserFromContext(ctx)
		fmt.Println("handler sees", u.Username, u.Groups)
		return handler(ctx, req)
	}
	srv := grpc.NewServer(grpc.ChainUnaryInterceptor(auth.UnaryServerInterceptor(), whoami))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	conn, stop := listen(srv)
	defer stop()
	client := healthpb.NewHealthClient(conn)

	_, err := client.Check(context.Background(), &healthpb.HealthCheckRequest{})
	fmt.Println(status.Code(err), status.Convert(err).Message())
	tok := iss.Mint(cognitotest.User{Username: "alice", Groups: []string{"staff"}}).AccessToken
	resp, err := client.Check(bearer(context.Background(), tok), &healthpb.HealthCheckRequest{})
	fmt.Println(resp.GetStatus(), err)
	// Output:
	// Unauthenticated missing or invalid credentials
	// handler sees alice [staff]
	// SERVING <nil>
}

// Streams end when the token does: the health service's Watch stream,
// protected, with a token that expires in two seconds.
func ExampleAuth_StreamServerInterceptor() {
	iss, _ := cognitotest.New()
	defer iss.Close()
	auth, _ := grpcauth.New(grpcauth.WithCoreOptions(append(iss.Options(), quietLogger())...), grpcauth.WithProtectedHealth())
	defer auth.Close()
	srv := grpc.NewServer(grpc.ChainStreamInterceptor(auth.StreamServerInterceptor()))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	conn, stop := listen(srv)
	defer stop()

	tok := iss.Mint(cognitotest.User{Username: "alice"}, cognitotest.ExpiresIn(2*time.Second)).AccessToken
	stream, _ := healthpb.NewHealthClient(conn).Watch(bearer(context.Background(), tok), &healthpb.HealthCheckRequest{})
	first, _ := stream.Recv()
	fmt.Println(first.GetStatus())
	_, err := stream.Recv() // blocks until the token expires
	fmt.Println(status.Code(err), status.Convert(err).Message())
	// Output:
	// SERVING
	// Unauthenticated credentials expired
}

// A client sends a machine client's token on every call. Production code
// builds ts with golang.org/x/oauth2/clientcredentials and connects with
// TLS; WithInsecureForTesting allows a loopback server without it.
func ExamplePerRPCCredentials() {
	iss, _ := cognitotest.New()
	defer iss.Close()
	auth, _ := grpcauth.New(
		grpcauth.WithCoreOptions(append(iss.Options(), quietLogger(), core.WithMachineClientIDs("reportsservice"))...),
		grpcauth.WithServiceRules(grpcauth.HealthService, core.AllowClients("reportsservice")),
	)
	defer auth.Close()
	srv := grpc.NewServer(grpc.ChainUnaryInterceptor(auth.UnaryServerInterceptor()))
	healthpb.RegisterHealthServer(srv, health.NewServer())

	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: iss.MintMachine("reportsservice", []string{"reports/read"})})
	conn, stop := listen(srv, grpc.WithPerRPCCredentials(grpcauth.PerRPCCredentials(ts, grpcauth.WithInsecureForTesting())))
	defer stop()
	resp, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{})
	fmt.Println(resp.GetStatus(), err)
	// Output:
	// SERVING <nil>
}

// User is the typed shorthand for core.UserFromContext in a handler.
func ExampleUser() {
	iss, _ := cognitotest.New()
	defer iss.Close()
	auth, _ := grpcauth.New(
		grpcauth.WithCoreOptions(append(iss.Options(), quietLogger(), core.WithMachineClientIDs("reportsservice"))...),
		grpcauth.WithServiceRules(grpcauth.HealthService, core.RequireScopes("reports/read")),
	)
	defer auth.Close()
	whoami := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if u := grpcauth.User(ctx); u.Machine {
			fmt.Println("machine client", u.ClientID, u.Scopes)
		}
		return handler(ctx, req)
	}
	srv := grpc.NewServer(grpc.ChainUnaryInterceptor(auth.UnaryServerInterceptor(), whoami))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	conn, stop := listen(srv)
	defer stop()
	tok := iss.MintMachine("reportsservice", []string{"reports/read"})
	_, _ = healthpb.NewHealthClient(conn).Check(bearer(context.Background(), tok), &healthpb.HealthCheckRequest{})
	// Output:
	// machine client reportsservice [reports/read]
}

// Status is the gRPC status of each kind of refusal.
func ExampleStatus() {
	for _, err := range []error{core.ErrMissingToken, core.ErrExpiredToken, core.ErrForbidden, core.ErrUnavailable, core.ErrConfig} {
		st := grpcauth.Status(err)
		fmt.Printf("%s: %q\n", st.Code(), st.Message())
	}
	// Output:
	// Unauthenticated: "missing or invalid credentials"
	// Unauthenticated: "missing or invalid credentials"
	// PermissionDenied: "permission denied"
	// Unavailable: "credentials could not be checked right now; retry"
	// Internal: "authentication is not configured correctly on the server"
}
