// Command grpc is the gRPC and Connect example: orders.v1.OrderService
// (proto/orders/v1/orders.proto) served twice by one binary, protected by
// grpcauth and connectauth with the same rules:
//
//   - gRPC (grpc-go) on GRPC_PORT (default 50051), with the standard health
//     service (public: load balancers probe it without a token) and server
//     reflection (protected);
//   - Connect (connectrpc.com/connect: the Connect, gRPC and gRPC-Web
//     protocols, HTTP/1.1 and h2c) on PORT (default 8080), under
//     /orders.v1.OrderService/, and /health (public, plain HTTP).
//
// GetOrder and WatchOrders admit users (the app's policy applies to them)
// and machine clients granted the scope orders/read; DeleteOrder admits
// users in the group admins only. Streams end when the caller's token
// expires. Configure it with the COGNITO_AUTH_* environment: the pool
// (COGNITO_AUTH_USER_POOL_ID, COGNITO_AUTH_REGION), the users' app client
// (COGNITO_AUTH_CLIENT_ID), the machine clients
// (COGNITO_AUTH_MACHINE_CLIENT_IDS); bearer tokens are always on. HOST
// binds both listeners (default all interfaces). Serve TLS in front of it
// in production (a load balancer, or grpc.Creds and http.Server TLS).
// client/ is a machine client that calls it.
//
// The code under gen/ is generated, and committed: protoc is needed only to
// change the .proto. Regenerate from this directory with protoc 3.21.12
// (Debian's protobuf-compiler), protoc-gen-go v1.36.11, protoc-gen-go-grpc
// v1.6.2 and protoc-gen-connect-go v1.21.0 on PATH:
//
//	go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.11
//	go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
//	go install connectrpc.com/connect/cmd/protoc-gen-connect-go@v1.21.0
//	go generate
//
//go:generate protoc -I proto --go_out=gen --go_opt=paths=source_relative --go-grpc_out=gen --go-grpc_opt=paths=source_relative --connect-go_out=gen --connect-go_opt=paths=source_relative proto/orders/v1/orders.proto
package main

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	"github.com/cognitoauth/cognito-auth-go/connectauth"
	"github.com/cognitoauth/cognito-auth-go/core"
	ordersv1 "github.com/cognitoauth/cognito-auth-go/examples/grpc/gen/orders/v1"
	"github.com/cognitoauth/cognito-auth-go/examples/grpc/gen/orders/v1/ordersv1connect"
	"github.com/cognitoauth/cognito-auth-go/examples/internal/demo"
	"github.com/cognitoauth/cognito-auth-go/grpcauth"
)

const (
	service     = "orders.v1.OrderService"
	deleteOrder = "/orders.v1.OrderService/DeleteOrder"
	// ScopeRead is the scope machine clients need for GetOrder and WatchOrders.
	scopeRead = "orders/read"
)

// watchInterval is how often WatchOrders sends its events.
var watchInterval = time.Second

var errNoSuchOrder = errors.New("no such order")

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// users admits every user (the app's policy still applies to them) and no
// machine client.
var users = core.RuleFunc(func(_ context.Context, u *core.User) bool { return !u.Machine })

// readers are who may read orders: users, and machine clients granted
// orders/read.
var readers = core.AnyOf(users, core.RequireScopes(scopeRead))

func run() error {
	base, err := core.New(core.WithBearer(true)) // reads COGNITO_AUTH_*: one guard for both servers
	if err != nil {
		return err
	}
	defer base.Close()
	gauth, err := grpcauth.New(grpcauth.WithBaseAuth(base),
		grpcauth.WithServiceRules(service, readers),
		grpcauth.WithMethodRules(deleteOrder, core.AllowGroups(demo.AdminGroup)))
	if err != nil {
		return err
	}
	cauth, err := connectauth.New(connectauth.WithBaseAuth(base),
		connectauth.WithServiceRules(service, readers),
		connectauth.WithMethodRules(deleteOrder, core.AllowGroups(demo.AdminGroup)))
	if err != nil {
		return err
	}
	orders := newStore()

	gs := grpc.NewServer(
		grpc.ChainUnaryInterceptor(gauth.UnaryServerInterceptor()),
		grpc.ChainStreamInterceptor(gauth.StreamServerInterceptor()),
	)
	ordersv1.RegisterOrderServiceServer(gs, grpcOrders{s: orders})
	healthpb.RegisterHealthServer(gs, health.NewServer()) // public (grpcauth's default)
	reflection.Register(gs)                               // protected (grpcauth's default)

	mux := http.NewServeMux()
	mux.Handle(ordersv1connect.NewOrderServiceHandler(connectOrders{s: orders}, connect.WithInterceptors(cauth.Interceptor())))
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true) // h2c, for gRPC clients of the Connect handler
	hs := &http.Server{Addr: demo.Addr(), Handler: mux, Protocols: &protocols, ReadHeaderTimeout: 10 * time.Second}

	grpcAddr := net.JoinHostPort(os.Getenv("HOST"), envOr("GRPC_PORT", "50051"))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	lis, err := (&net.ListenConfig{}).Listen(ctx, "tcp", grpcAddr)
	if err != nil {
		return err
	}
	errs := make(chan error, 2)
	go func() { errs <- gs.Serve(lis) }()
	go func() {
		if err := hs.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
			errs <- err
		}
	}()
	log.Printf("grpc example: gRPC on %s, Connect on %s", lis.Addr(), hs.Addr)
	select {
	case err = <-errs:
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(shutdown)
	stopped := make(chan struct{})
	go func() { gs.GracefulStop(); close(stopped) }()
	select {
	case <-stopped:
	case <-shutdown.Done(): // streams still open: end them
		gs.Stop()
	}
	return err
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
