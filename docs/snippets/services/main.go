// Command app: a gRPC server and a Connect handler, protected by grpcauth
// and connectauth with the same rules: users and machine clients granted
// orders/read may read, admins only may delete. Configure it with the
// COGNITO_AUTH_* environment (COGNITO_AUTH_MACHINE_CLIENT_IDS for the
// machine clients; bearer tokens are always on). Put TLS in front of both.
package main

import (
	"context"
	"log"
	"net"
	"net/http"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/cognitoauth/cognito-auth-go/connectauth"
	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/grpcauth"
)

const (
	service     = "orders.v1.OrderService"
	getOrder    = "/orders.v1.OrderService/GetOrder"
	deleteOrder = "/orders.v1.OrderService/DeleteOrder"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err) // a malformed method name, or core's configuration: every problem at once
	}
}

func run() error {
	users := core.RuleFunc(func(_ context.Context, u *core.User) bool { return !u.Machine }) // the app policy applies to them
	readers := core.AnyOf(users, core.RequireScopes("orders/read"))

	base, err := core.New(core.WithBearer(true)) // reads COGNITO_AUTH_*: one guard for both servers
	if err != nil {
		return err
	}
	defer base.Close()

	// gRPC: the health service is public, every other call needs a token.
	gauth, err := grpcauth.New(grpcauth.WithBaseAuth(base),
		grpcauth.WithServiceRules(service, readers),
		grpcauth.WithMethodRules(deleteOrder, core.AllowGroups("admins")))
	if err != nil {
		return err
	}
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(gauth.UnaryServerInterceptor()),
		grpc.ChainStreamInterceptor(gauth.StreamServerInterceptor()),
	)
	healthpb.RegisterHealthServer(srv, health.NewServer())
	// ordersv1.RegisterOrderServiceServer(srv, orders) with your generated code.
	lis, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", ":50051")
	if err != nil {
		return err
	}
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()

	// Connect: the same rules; a handler reads the principal from its context.
	cauth, err := connectauth.New(connectauth.WithBaseAuth(base),
		connectauth.WithServiceRules(service, readers),
		connectauth.WithMethodRules(deleteOrder, core.AllowGroups("admins")))
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle(getOrder, connect.NewUnaryHandler(getOrder,
		func(ctx context.Context, req *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
			u, _ := core.UserFromContext(ctx) // a user, or a machine client (u.Machine, u.ClientID)
			return connect.NewResponse(wrapperspb.String("order " + req.Msg.GetValue() + " for " + u.Sub)), nil
		}, connect.WithInterceptors(cauth.Interceptor())))
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true) // h2c, for gRPC clients of the Connect handler
	hs := &http.Server{Addr: ":8080", Handler: mux, Protocols: &protocols, ReadHeaderTimeout: 10 * time.Second}
	return hs.ListenAndServe()
}
