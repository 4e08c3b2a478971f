package examples_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	ordersv1 "github.com/cognitoauth/cognito-auth-go/examples/grpc/gen/orders/v1"
)

// grpcBinaries builds the gRPC example's server and client once.
var grpcBinaries = sync.OnceValues(func() (string, error) {
	dir := filepath.Join(binDir, "grpc-example")
	for pkg, out := range map[string]string{"./grpc": "server", "./grpc/client": "client"} {
		if b, err := exec.Command("go", "build", "-o", filepath.Join(dir, out), pkg).CombinedOutput(); err != nil {
			return "", errors.New("go build " + pkg + ": " + err.Error() + "\n" + string(b))
		}
	}
	return dir, nil
})

const (
	reporterClient = "ordersreporter000000000001"
	reporterSecret = "reporter-secret"
)

// tokenEndpoint is a Cognito token endpoint for one machine client (the
// client-credentials grant, client_secret_basic), minting with iss.
func tokenEndpoint(t *testing.T, iss *ct.Issuer) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if r.Method != http.MethodPost || r.URL.Path != "/oauth2/token" || !ok || id != reporterClient || secret != reporterSecret ||
			r.PostFormValue("grant_type") != "client_credentials" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
			return
		}
		scopes := strings.Fields(r.PostFormValue("scope"))
		for _, s := range scopes {
			if s != "orders/read" {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"error":"invalid_scope"}`))
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"` + iss.MintMachine(id, scopes) + `","token_type":"Bearer","expires_in":3600}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// environ is the process environment without COGNITO_AUTH_*, plus env.
func environ(env map[string]string) []string {
	out := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "COGNITO_AUTH_") })
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// TestGRPCExample does what examples/grpc/README.md shows, with the user
// pool's keys and token endpoint in-process (core/cognitotest) until
// cognito-local has the client-credentials grant: the example server (gRPC
// and Connect) as a real process, the example client as another with a
// client-credentials token, then health, reflection, users and a stream
// outliving its token, from here.
func TestGRPCExample(t *testing.T) {
	dir, err := grpcBinaries()
	if err != nil {
		t.Fatal(err)
	}
	iss := ct.Start(t)
	grpcPort, httpPort := freePort(t), freePort(t)
	env := iss.Env()
	env["COGNITO_AUTH_MACHINE_CLIENT_IDS"] = reporterClient
	env["HOST"], env["GRPC_PORT"], env["PORT"] = "127.0.0.1", grpcPort, httpPort
	out := &syncWriter{}
	ctx, cancel := context.WithCancel(context.Background())
	server := exec.CommandContext(ctx, filepath.Join(dir, "server"))
	server.Env, server.Stdout, server.Stderr = environ(env), out, out
	server.Cancel = func() error { return server.Process.Signal(syscall.SIGTERM) }
	server.WaitDelay = 10 * time.Second
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = server.Wait() })
	waitFor(t, "http://127.0.0.1:"+httpPort+"/health", out)

	t.Run("the client, with a client-credentials token", func(t *testing.T) {
		tokens := tokenEndpoint(t, iss)
		client := exec.CommandContext(t.Context(), filepath.Join(dir, "client"))
		client.Env = environ(map[string]string{
			"COGNITO_AUTH_DOMAIN": tokens.URL, "COGNITO_AUTH_CLIENT_ID": reporterClient, "COGNITO_AUTH_CLIENT_SECRET": reporterSecret,
			"GRPC_ADDR": "127.0.0.1:" + grpcPort, "CONNECT_URL": "http://127.0.0.1:" + httpPort,
		})
		got, err := client.CombinedOutput()
		if err != nil {
			t.Fatalf("client: %v\n%s\nserver:\n%s", err, got, out)
		}
		want := "grpc    GetOrder 1001: widget (pending), seen by machine:" + reporterClient + "\n" +
			"grpc    WatchOrders: 1001 pending\ngrpc    WatchOrders: 1002 shipped\ngrpc    WatchOrders: 1001 pending\n" +
			"grpc    DeleteOrder 1001: PermissionDenied\n" +
			"connect GetOrder 1002: gadget (shipped), seen by machine:" + reporterClient + "\n" +
			"connect WatchOrders: 1001 pending\nconnect WatchOrders: 1002 shipped\nconnect WatchOrders: 1001 pending\n" +
			"connect DeleteOrder 1002: permission_denied\n"
		t.Logf("the client printed:\n%s", got)
		if string(got) != want {
			t.Fatalf("client printed\n%s\nwant\n%s", got, want)
		}
	})

	conn, err := grpc.NewClient("127.0.0.1:"+grpcPort, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	as := func(u ct.User, opts ...ct.TokenOption) context.Context {
		return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+iss.Mint(u, opts...).AccessToken)
	}
	staff := ct.User{Username: "alice", Groups: []string{"staff"}}
	admin := ct.User{Username: "root", Groups: []string{"staff", "admins"}}

	t.Run("health is public", func(t *testing.T) {
		resp, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{})
		if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Fatalf("health: %v %v", resp, err)
		}
	})
	t.Run("reflection is protected", func(t *testing.T) {
		list := func(ctx context.Context) ([]string, error) {
			s, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
			if err != nil {
				return nil, err
			}
			// On a refused stream Send may see io.EOF; Recv has the status.
			if err := s.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			resp, err := s.Recv()
			if err != nil {
				return nil, err
			}
			var names []string
			for _, sv := range resp.GetListServicesResponse().GetService() {
				names = append(names, sv.GetName())
			}
			return names, s.CloseSend()
		}
		if _, err := list(t.Context()); status.Code(err) != codes.Unauthenticated {
			t.Fatalf("reflection without a token: %v, want Unauthenticated", err)
		}
		names, err := list(as(staff))
		if err != nil || !slices.Contains(names, "orders.v1.OrderService") {
			t.Fatalf("reflection for a user: %v %v", names, err)
		}
	})
	orders := ordersv1.NewOrderServiceClient(conn)
	t.Run("users: readers, and admins delete", func(t *testing.T) {
		o, err := orders.GetOrder(as(staff), &ordersv1.GetOrderRequest{Id: "1002"})
		if err != nil || o.GetViewedBy() != "user:alice" {
			t.Fatalf("GetOrder for a user: %v %v", o, err)
		}
		if _, err := orders.DeleteOrder(as(staff), &ordersv1.DeleteOrderRequest{Id: "1002"}); status.Code(err) != codes.PermissionDenied {
			t.Fatalf("DeleteOrder for a user outside admins: %v", err)
		}
		d, err := orders.DeleteOrder(as(admin), &ordersv1.DeleteOrderRequest{Id: "1002"})
		if err != nil || d.GetDeletedBy() != "user:root" {
			t.Fatalf("DeleteOrder for an admin: %v %v", d, err)
		}
		if _, err := orders.GetOrder(t.Context(), &ordersv1.GetOrderRequest{Id: "1001"}); status.Code(err) != codes.Unauthenticated {
			t.Fatalf("GetOrder without a token: %v", err)
		}
	})
	t.Run("a stream ends when its token expires", func(t *testing.T) {
		s, err := orders.WatchOrders(as(staff, ct.ExpiresIn(2*time.Second)), &ordersv1.WatchOrdersRequest{})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for err == nil {
			_, err = s.Recv()
		}
		if status.Code(err) != codes.Unauthenticated || time.Since(start) > 4*time.Second {
			t.Fatalf("the stream ended with %v after %v; want Unauthenticated within about a second of its token's expiry", err, time.Since(start))
		}
	})
}
