// Command client is the machine client of the gRPC example: with a
// client-credentials token from core/m2m (client/token.go:
// COGNITO_AUTH_DOMAIN, COGNITO_AUTH_M2M_CLIENT_ID,
// COGNITO_AUTH_M2M_CLIENT_SECRET, COGNITO_AUTH_M2M_SCOPES), it calls
// orders.v1.OrderService over gRPC (GRPC_ADDR, default 127.0.0.1:50051)
// and over Connect (CONNECT_URL, default http://127.0.0.1:8080): GetOrder,
// three events of WatchOrders, and DeleteOrder, which only admins may call,
// so a machine client is refused (PermissionDenied). A loopback server is
// called without TLS, any other with TLS.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/cognitoauth/cognito-auth-go/connectauth"
	"github.com/cognitoauth/cognito-auth-go/core/m2m"
	ordersv1 "github.com/cognitoauth/cognito-auth-go/examples/grpc/gen/orders/v1"
	"github.com/cognitoauth/cognito-auth-go/examples/grpc/gen/orders/v1/ordersv1connect"
	"github.com/cognitoauth/cognito-auth-go/grpcauth"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(out io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ts, err := tokenSource()
	if err != nil {
		return err
	}
	defer ts.Close()
	if err := callGRPC(ctx, out, envOr("GRPC_ADDR", "127.0.0.1:50051"), ts); err != nil {
		return err
	}
	return callConnect(ctx, out, envOr("CONNECT_URL", "http://127.0.0.1:8080"), ts)
}

func callGRPC(ctx context.Context, out io.Writer, addr string, ts *m2m.TokenSource) error {
	transport, creds := credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12}), grpcauth.PerRPCCredentials(ts)
	if host, _, _ := net.SplitHostPort(addr); isLoopback(host) {
		transport, creds = insecure.NewCredentials(), grpcauth.PerRPCCredentials(ts, grpcauth.WithInsecureForTesting())
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(transport), grpc.WithPerRPCCredentials(creds))
	if err != nil {
		return err
	}
	defer conn.Close()
	client := ordersv1.NewOrderServiceClient(conn)
	o, err := client.GetOrder(ctx, &ordersv1.GetOrderRequest{Id: "1001"})
	if err != nil {
		return fmt.Errorf("grpc GetOrder: %w", err)
	}
	fmt.Fprintf(out, "grpc    GetOrder 1001: %s (%s), seen by %s\n", o.GetItem(), o.GetStatus(), o.GetViewedBy())
	stream, err := client.WatchOrders(ctx, &ordersv1.WatchOrdersRequest{MaxEvents: 3})
	if err != nil {
		return fmt.Errorf("grpc WatchOrders: %w", err)
	}
	for {
		e, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("grpc WatchOrders: %w", err)
		}
		fmt.Fprintf(out, "grpc    WatchOrders: %s %s\n", e.GetOrderId(), e.GetStatus())
	}
	_, err = client.DeleteOrder(ctx, &ordersv1.DeleteOrderRequest{Id: "1001"})
	fmt.Fprintf(out, "grpc    DeleteOrder 1001: %s\n", status.Code(err))
	return nil
}

func callConnect(ctx context.Context, out io.Writer, base string, ts *m2m.TokenSource) error {
	hc := &http.Client{Timeout: 30 * time.Second}
	client := ordersv1connect.NewOrderServiceClient(hc, base, connect.WithInterceptors(connectauth.ClientInterceptor(ts)))
	o, err := client.GetOrder(ctx, connect.NewRequest(&ordersv1.GetOrderRequest{Id: "1002"}))
	if err != nil {
		return fmt.Errorf("connect GetOrder: %w", err)
	}
	fmt.Fprintf(out, "connect GetOrder 1002: %s (%s), seen by %s\n", o.Msg.GetItem(), o.Msg.GetStatus(), o.Msg.GetViewedBy())
	stream, err := client.WatchOrders(ctx, connect.NewRequest(&ordersv1.WatchOrdersRequest{MaxEvents: 3}))
	if err != nil {
		return fmt.Errorf("connect WatchOrders: %w", err)
	}
	defer stream.Close()
	for stream.Receive() {
		fmt.Fprintf(out, "connect WatchOrders: %s %s\n", stream.Msg().GetOrderId(), stream.Msg().GetStatus())
	}
	if err := stream.Err(); err != nil {
		return fmt.Errorf("connect WatchOrders: %w", err)
	}
	_, err = client.DeleteOrder(ctx, connect.NewRequest(&ordersv1.DeleteOrderRequest{Id: "1002"}))
	fmt.Fprintf(out, "connect DeleteOrder 1002: %s\n", connect.CodeOf(err))
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
