package grpcauth_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/core/m2m"
	"github.com/cognitoauth/cognito-auth-go/grpcauth"
)

var quiet = core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

// TestNewRefusesMalformedNames: every malformed method or service name is
// reported at New, together, as a configuration error.
func TestNewRefusesMalformedNames(t *testing.T) {
	iss := ct.Start(t)
	for _, tc := range []struct {
		name string
		opt  grpcauth.Option
	}{
		{"method without slash", grpcauth.WithMethodRules("pkg.Service/Method")},
		{"method without method", grpcauth.WithMethodRules("/pkg.Service/")},
		{"method without service", grpcauth.WithMethodRules("//Method")},
		{"method with three parts", grpcauth.WithMethodRules("/pkg.Service/Method/x")},
		{"method with a space", grpcauth.WithMethodRules("/pkg.Service/Get Order")},
		{"service given as a method", grpcauth.WithServiceRules("/pkg.Service/Method")},
		{"empty service", grpcauth.WithServiceRules("")},
		{"service with an empty part", grpcauth.WithServiceRules("pkg..Service")},
		{"service starting with a digit", grpcauth.WithServiceRules("1pkg.Service")},
		{"bypass of nonsense", grpcauth.WithBypass("not a name")},
		{"rules twice", grpcauth.WithMethodRules("/pkg.S/M")},
		{"bypass and rules", grpcauth.WithBypass("pkg.S")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := []grpcauth.Option{grpcauth.WithCoreOptions(append(iss.Options(), quiet)...), tc.opt}
			if strings.HasSuffix(tc.name, "twice") {
				opts = append(opts, grpcauth.WithMethodRules("/pkg.S/M"))
			}
			if strings.HasPrefix(tc.name, "bypass and") {
				opts = append(opts, grpcauth.WithServiceRules("pkg.S", core.AllowGroups("x")))
			}
			a, err := grpcauth.New(opts...)
			if err == nil {
				_ = a.Close()
				t.Fatal("New accepted it")
			}
			if !errors.Is(err, core.ErrConfig) {
				t.Fatalf("%v does not match core.ErrConfig", err)
			}
		})
	}
	a, err := grpcauth.New(grpcauth.WithCoreOptions(append(iss.Options(), quiet)...),
		grpcauth.WithMethodRules("/orders.v1.OrderService/GetOrder"), grpcauth.WithServiceRules("Bare"),
		grpcauth.WithBypass("/a.B/C", "a.D", "a.D"))
	if err != nil {
		t.Fatalf("well-formed names refused: %v", err)
	}
	_ = a.Close()
}

// TestStatus: the code of every kind of refusal, and messages that name
// the category only.
func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want codes.Code
	}{
		{core.NewError(core.ErrMissingToken, core.CodeMissingToken, "x"), codes.Unauthenticated},
		{core.NewError(core.ErrInvalidToken, core.CodeInvalidSignature, "x"), codes.Unauthenticated},
		{core.NewError(core.ErrExpiredToken, core.CodeTokenExpired, "x"), codes.Unauthenticated},
		{core.NewError(core.ErrForbidden, core.CodeRouteForbidden, "x"), codes.PermissionDenied},
		{core.NewError(core.ErrUnavailable, core.CodeKeyUnavailable, "x"), codes.Unavailable},
		{core.NewError(core.ErrConfig, core.CodeInvalidConfig, "x"), codes.Internal},
	} {
		st := grpcauth.Status(tc.err)
		if st.Code() != tc.want {
			t.Errorf("%v: %s, want %s", tc.err, st.Code(), tc.want)
		}
		if strings.Contains(st.Message(), string(core.CodeOf(tc.err))) {
			t.Errorf("%v: message %q names the code", tc.err, st.Message())
		}
	}
}

// probeServer serves the conformance probes behind auth (nil: none).
func probeServer(t *testing.T, auth *grpcauth.Auth, opts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	var so []grpc.ServerOption
	if auth != nil {
		so = append(so, grpc.ChainUnaryInterceptor(auth.UnaryServerInterceptor()), grpc.ChainStreamInterceptor(auth.StreamServerInterceptor()))
	}
	srv := grpc.NewServer(so...)
	registerProbes(srv, func(string) {})
	return serveWith(t, srv, opts...)
}

func newAuth(t *testing.T, iss *ct.Issuer, opts ...grpcauth.Option) *grpcauth.Auth {
	t.Helper()
	all := append([]grpcauth.Option{grpcauth.WithCoreOptions(append(iss.Options(), quiet,
		core.WithMachineClientIDs(conformance.OrdersClient))...)}, opts...)
	a, err := grpcauth.New(all...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

func code(err error) codes.Code { return status.Code(err) }

// TestHealthAndReflectionOptions: WithProtectedHealth protects the health
// service, WithPublicReflection opens reflection, WithBypass opens a method.
func TestHealthAndReflectionOptions(t *testing.T) {
	iss := ct.Start(t)
	call := func(conn *grpc.ClientConn, method string) codes.Code {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		if conformance.StreamMethods[method] {
			s, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, method)
			if err == nil {
				_ = s.SendMsg(wrapperspb.String(""))
				_ = s.CloseSend()
				for err == nil {
					err = s.RecvMsg(new(wrapperspb.StringValue))
				}
			}
			if errors.Is(err, io.EOF) {
				return codes.OK
			}
			return code(err)
		}
		return code(conn.Invoke(ctx, method, wrapperspb.String(""), new(wrapperspb.StringValue)))
	}
	for _, tc := range []struct {
		name string
		opts []grpcauth.Option
		want map[string]codes.Code
	}{
		{"defaults", nil, map[string]codes.Code{
			conformance.MethodHealth: codes.OK, conformance.MethodReflection: codes.Unauthenticated, conformance.MethodWho: codes.Unauthenticated,
		}},
		{"protected health, public reflection", []grpcauth.Option{grpcauth.WithProtectedHealth(), grpcauth.WithPublicReflection()}, map[string]codes.Code{
			conformance.MethodHealth: codes.Unauthenticated, conformance.MethodReflection: codes.OK,
		}},
		{"rules on health protect it", []grpcauth.Option{grpcauth.WithMethodRules(conformance.MethodHealth, core.AllowGroups("ops"))}, map[string]codes.Code{
			conformance.MethodHealth: codes.Unauthenticated,
		}},
		{"bypass a method", []grpcauth.Option{grpcauth.WithBypass(conformance.MethodWho)}, map[string]codes.Code{
			conformance.MethodWho: codes.OK, conformance.MethodWatch: codes.Unauthenticated,
		}},
		{"bypass a service", []grpcauth.Option{grpcauth.WithBypass(conformance.ServiceOpen)}, map[string]codes.Code{
			conformance.MethodWho: codes.OK, conformance.MethodWatch: codes.OK, conformance.MethodGet: codes.Unauthenticated,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn := probeServer(t, newAuth(t, iss, tc.opts...))
			for m, want := range tc.want {
				if got := call(conn, m); got != want {
					t.Errorf("%s: %s, want %s", m, got, want)
				}
			}
		})
	}
}

// TestPerRPCCredentials: a machine client with a client-credentials token
// from a real token endpoint, over an insecure loopback connection.
func TestPerRPCCredentials(t *testing.T) {
	iss := ct.Start(t)
	var fetches int
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok || id != conformance.OrdersClient || secret != "s3cret" || r.FormValue("grant_type") != "client_credentials" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		fetches++
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"` + iss.MintMachine(id, strings.Fields(r.FormValue("scope"))) + `","token_type":"Bearer","expires_in":3600}`))
	}))
	t.Cleanup(endpoint.Close)
	cc := clientcredentials.Config{ClientID: conformance.OrdersClient, ClientSecret: "s3cret", TokenURL: endpoint.URL, Scopes: []string{conformance.ScopeOrdersRead}}
	auth := newAuth(t, iss, grpcauth.WithServiceRules(conformance.ServiceOrders, core.RequireScopes(conformance.ScopeOrdersRead)))
	creds := grpcauth.PerRPCCredentials(cc.TokenSource(context.Background()), grpcauth.WithInsecureForTesting())
	if creds.RequireTransportSecurity() {
		t.Fatal("WithInsecureForTesting still requires transport security")
	}
	conn := probeServer(t, auth, grpc.WithPerRPCCredentials(creds))
	for range 3 {
		out := new(wrapperspb.StringValue)
		if err := conn.Invoke(t.Context(), conformance.MethodGet, wrapperspb.String(""), out); err != nil {
			t.Fatal(err)
		}
		if out.GetValue() != "machine:"+conformance.OrdersClient {
			t.Fatalf("the handler saw %q", out.GetValue())
		}
	}
	if fetches != 1 {
		t.Fatalf("%d token fetches for three calls, want 1 (the token is reused)", fetches)
	}

	if !grpcauth.PerRPCCredentials(cc.TokenSource(context.Background())).RequireTransportSecurity() {
		t.Fatal("credentials without WithInsecureForTesting must require transport security")
	}
	bad := clientcredentials.Config{ClientID: conformance.OrdersClient, ClientSecret: "wrong", TokenURL: endpoint.URL}
	conn = probeServer(t, auth, grpc.WithPerRPCCredentials(grpcauth.PerRPCCredentials(bad.TokenSource(context.Background()), grpcauth.WithInsecureForTesting())))
	if err := conn.Invoke(t.Context(), conformance.MethodGet, wrapperspb.String(""), new(wrapperspb.StringValue)); code(err) != codes.Unauthenticated {
		t.Fatalf("a refused client: %v, want Unauthenticated", err)
	}
	// core/m2m's source, refused: its *m2m.TokenError is a refusal too.
	refused, err := m2m.New(m2m.WithEnvironment(func(string) (string, bool) { return "", false }), m2m.WithDomain(endpoint.URL),
		m2m.WithClient(conformance.OrdersClient, "wrong"), m2m.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = refused.Close() })
	conn = probeServer(t, auth, grpc.WithPerRPCCredentials(grpcauth.PerRPCCredentials(refused, grpcauth.WithInsecureForTesting())))
	if err := conn.Invoke(t.Context(), conformance.MethodGet, wrapperspb.String(""), new(wrapperspb.StringValue)); code(err) != codes.Unauthenticated {
		t.Fatalf("an m2m source refused: %v, want Unauthenticated", err)
	}
	endpoint.Close()
	down := clientcredentials.Config{ClientID: conformance.OrdersClient, ClientSecret: "s3cret", TokenURL: endpoint.URL}
	conn = probeServer(t, auth, grpc.WithPerRPCCredentials(grpcauth.PerRPCCredentials(down.TokenSource(context.Background()), grpcauth.WithInsecureForTesting())))
	if err := conn.Invoke(t.Context(), conformance.MethodGet, wrapperspb.String(""), new(wrapperspb.StringValue)); code(err) != codes.Unavailable {
		t.Fatalf("the token endpoint down: %v, want Unavailable", err)
	}
}

// TestInsecureRefusesNonLoopback: WithInsecureForTesting sends no token to
// a server that is not on loopback (named by its authority).
func TestInsecureRefusesNonLoopback(t *testing.T) {
	iss := ct.Start(t)
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: iss.MintMachine(conformance.OrdersClient, nil)})
	conn := probeServer(t, newAuth(t, iss), grpc.WithPerRPCCredentials(grpcauth.PerRPCCredentials(ts, grpcauth.WithInsecureForTesting())),
		grpc.WithAuthority("orders.example.com:443"))
	err := conn.Invoke(t.Context(), conformance.MethodHealth, wrapperspb.String(""), new(wrapperspb.StringValue))
	if code(err) != codes.Unauthenticated || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("a non-loopback authority: %v, want Unauthenticated naming loopback", err)
	}
	// Without transport security and without the option, grpc-go refuses
	// the connection: the credentials require it.
	if _, err := grpc.NewClient("127.0.0.1:1", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(grpcauth.PerRPCCredentials(ts))); err == nil {
		t.Fatal("credentials requiring transport security accepted over an insecure connection")
	}
}
