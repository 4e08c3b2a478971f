package connectauth_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"connectrpc.com/connect"
	"golang.org/x/oauth2"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/cognitoauth/cognito-auth-go/connectauth"
	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

const (
	getOrder   = "/orders.v1.OrderService/GetOrder"
	watchOrder = "/orders.v1.OrderService/WatchOrders"
)

func quietLogger() core.Option {
	return core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// orders mounts a unary and a server-streaming procedure (generated code
// would: ordersv1connect.NewOrderServiceHandler(svc, opts...)).
func orders(opts ...connect.HandlerOption) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle(getOrder, connect.NewUnaryHandler(getOrder,
		func(ctx context.Context, req *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
			who := connectauth.User(ctx).Username
			if u := connectauth.User(ctx); u.Machine {
				who = u.ClientID
			}
			return connect.NewResponse(wrapperspb.String("order " + req.Msg.GetValue() + " for " + who)), nil
		}, opts...))
	mux.Handle(watchOrder, connect.NewServerStreamHandler(watchOrder,
		func(ctx context.Context, _ *connect.Request[wrapperspb.StringValue], s *connect.ServerStream[wrapperspb.StringValue]) error {
			for {
				if err := s.Send(wrapperspb.String("shipped")); err != nil {
					return err
				}
				select {
				case <-ctx.Done(): // the token expired (or the client left)
					return ctx.Err()
				case <-time.After(100 * time.Millisecond):
				}
			}
		}, opts...))
	return mux
}

// Protect Connect handlers: a rule for the service, one for a procedure.
func ExampleNew() {
	iss, _ := cognitotest.New() // plays the user pool; in production New reads COGNITO_AUTH_*
	defer iss.Close()
	auth, err := connectauth.New(
		connectauth.WithCoreOptions(append(iss.Options(), quietLogger())...),
		connectauth.WithServiceRules("orders.v1.OrderService", core.AllowGroups("staff")),
		connectauth.WithMethodRules("/orders.v1.OrderService/DeleteOrder", core.AllowGroups("admins")),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()
	srv := httptest.NewServer(orders(connect.WithInterceptors(auth.Interceptor())))
	defer srv.Close()

	client := connect.NewClient[wrapperspb.StringValue, wrapperspb.StringValue](srv.Client(), srv.URL+getOrder)
	_, err = client.CallUnary(context.Background(), connect.NewRequest(wrapperspb.String("42")))
	fmt.Println(connect.CodeOf(err))
	req := connect.NewRequest(wrapperspb.String("42"))
	req.Header().Set("Authorization", "Bearer "+iss.Mint(cognitotest.User{Username: "alice", Groups: []string{"staff"}}).AccessToken)
	resp, err := client.CallUnary(context.Background(), req)
	fmt.Println(resp.Msg.GetValue(), err)
	// Output:
	// unauthenticated
	// order 42 for alice <nil>
}

// The interceptor ends a stream when its token expires.
func ExampleAuth_Interceptor() {
	iss, _ := cognitotest.New()
	defer iss.Close()
	auth, _ := connectauth.New(connectauth.WithCoreOptions(append(iss.Options(), quietLogger())...))
	defer auth.Close()
	srv := httptest.NewServer(orders(connect.WithInterceptors(auth.Interceptor())))
	defer srv.Close()

	client := connect.NewClient[wrapperspb.StringValue, wrapperspb.StringValue](srv.Client(), srv.URL+watchOrder)
	req := connect.NewRequest(wrapperspb.String(""))
	req.Header().Set("Authorization", "Bearer "+iss.Mint(cognitotest.User{Username: "alice"}, cognitotest.ExpiresIn(2*time.Second)).AccessToken)
	stream, _ := client.CallServerStream(context.Background(), req)
	defer stream.Close()
	stream.Receive()
	fmt.Println(stream.Msg().GetValue())
	for stream.Receive() { // until the token expires
	}
	fmt.Println(stream.Err())
	// Output:
	// shipped
	// unauthenticated: credentials expired
}

// A client sends a machine client's token on every call. Production code
// builds ts with golang.org/x/oauth2/clientcredentials.
func ExampleClientInterceptor() {
	iss, _ := cognitotest.New()
	defer iss.Close()
	auth, _ := connectauth.New(
		connectauth.WithCoreOptions(append(iss.Options(), quietLogger(), core.WithMachineClientIDs("reportsservice"))...),
		connectauth.WithServiceRules("orders.v1.OrderService", core.RequireScopes("orders/read")),
	)
	defer auth.Close()
	srv := httptest.NewServer(orders(connect.WithInterceptors(auth.Interceptor())))
	defer srv.Close()

	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: iss.MintMachine("reportsservice", []string{"orders/read"})})
	client := connect.NewClient[wrapperspb.StringValue, wrapperspb.StringValue](srv.Client(), srv.URL+getOrder,
		connect.WithInterceptors(connectauth.ClientInterceptor(ts)))
	resp, err := client.CallUnary(context.Background(), connect.NewRequest(wrapperspb.String("7")))
	fmt.Println(resp.Msg.GetValue(), err)
	// Output:
	// order 7 for reportsservice <nil>
}

// User is the typed shorthand for core.UserFromContext in a handler.
func ExampleUser() {
	handler := func(ctx context.Context, _ *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
		u := connectauth.User(ctx) // never nil behind the interceptor
		if u.Machine {
			return connect.NewResponse(wrapperspb.String("machine " + u.ClientID)), nil
		}
		return connect.NewResponse(wrapperspb.String("user " + u.Username)), nil
	}
	ctx := cognitotest.ContextWithUser(context.Background(), &core.User{Machine: true, ClientID: "reportsservice"}) // a handler test
	resp, _ := handler(ctx, connect.NewRequest(wrapperspb.String("")))
	fmt.Println(resp.Msg.GetValue())
	// Output:
	// machine reportsservice
}

// Error is the Connect error of each kind of refusal.
func ExampleError() {
	for _, err := range []error{core.ErrMissingToken, core.ErrForbidden, core.ErrUnavailable, core.ErrConfig} {
		ce := connectauth.Error(err)
		fmt.Printf("%s: %q\n", ce.Code(), ce.Message())
	}
	// Output:
	// unauthenticated: "missing or invalid credentials"
	// permission_denied: "permission denied"
	// unavailable: "credentials could not be checked right now; retry"
	// internal: "authentication is not configured correctly on the server"
}
