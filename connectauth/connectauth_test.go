package connectauth_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/cognitoauth/cognito-auth-go/connectauth"
	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/core/m2m"
)

var quiet = core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

func newAuth(t *testing.T, iss *ct.Issuer, opts ...connectauth.Option) *connectauth.Auth {
	t.Helper()
	all := append([]connectauth.Option{connectauth.WithCoreOptions(append(iss.Options(), quiet,
		core.WithMachineClientIDs(conformance.OrdersClient))...)}, opts...)
	a, err := connectauth.New(all...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

// TestNewRefusesMalformedNames: malformed procedure and service names are
// configuration errors at New.
func TestNewRefusesMalformedNames(t *testing.T) {
	iss := ct.Start(t)
	for _, opt := range []connectauth.Option{
		connectauth.WithMethodRules("pkg.Service/Method"),
		connectauth.WithMethodRules("/pkg.Service/"),
		connectauth.WithServiceRules("/pkg.Service/Method"),
		connectauth.WithServiceRules("pkg..Service"),
		connectauth.WithBypass("not a name"),
	} {
		a, err := connectauth.New(connectauth.WithCoreOptions(append(iss.Options(), quiet)...), opt)
		if err == nil {
			_ = a.Close()
			t.Fatal("New accepted a malformed name")
		}
		if !errors.Is(err, core.ErrConfig) {
			t.Fatalf("%v does not match core.ErrConfig", err)
		}
	}
}

// TestError: the code of every kind of refusal.
func TestError(t *testing.T) {
	for err, want := range map[error]connect.Code{
		core.ErrMissingToken: connect.CodeUnauthenticated, core.ErrInvalidToken: connect.CodeUnauthenticated,
		core.ErrExpiredToken: connect.CodeUnauthenticated, core.ErrForbidden: connect.CodePermissionDenied,
		core.ErrUnavailable: connect.CodeUnavailable, core.ErrConfig: connect.CodeInternal,
	} {
		if got := connectauth.Error(err).Code(); got != want {
			t.Errorf("%v: %s, want %s", err, got, want)
		}
	}
}

// TestOptions: WithProtectedHealth, WithPublicReflection and WithBypass.
func TestOptions(t *testing.T) {
	iss := ct.Start(t)
	for _, tc := range []struct {
		name string
		opts []connectauth.Option
		want map[string]conformance.Category
	}{
		{"defaults", nil, map[string]conformance.Category{
			conformance.MethodHealth: conformance.OK, conformance.MethodReflection: conformance.Unauthenticated,
		}},
		{
			"protected health, public reflection",
			[]connectauth.Option{connectauth.WithProtectedHealth(), connectauth.WithPublicReflection()},
			map[string]conformance.Category{conformance.MethodHealth: conformance.Unauthenticated, conformance.MethodReflection: conformance.OK},
		},
		{"bypass a service", []connectauth.Option{connectauth.WithBypass(conformance.ServiceOpen)}, map[string]conformance.Category{
			conformance.MethodWho: conformance.OK, conformance.MethodWatch: conformance.OK, conformance.MethodGet: conformance.Unauthenticated,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			auth := newAuth(t, iss, tc.opts...)
			base := serveHandlers(t, probeMux(func(string) {}, connect.WithInterceptors(auth.Interceptor())))
			hc := httpClient(t, false)
			for m, want := range tc.want {
				if got := callConnect(t.Context(), hc, base, conformance.Call{Method: m}).Category; got != want {
					t.Errorf("%s: %s, want %s", m, got, want)
				}
			}
		})
	}
}

// TestClientInterceptor: unary and streaming calls with a client-credentials
// token from a real token endpoint, fetched once; a refused client and a
// token endpoint that is down.
func TestClientInterceptor(t *testing.T) {
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
	auth := newAuth(t, iss, connectauth.WithServiceRules(conformance.ServiceOrders, core.RequireScopes(conformance.ScopeOrdersRead)))
	base := serveHandlers(t, probeMux(func(string) {}, connect.WithInterceptors(auth.Interceptor())))
	hc := httpClient(t, true)
	cc := clientcredentials.Config{ClientID: conformance.OrdersClient, ClientSecret: "s3cret", TokenURL: endpoint.URL, Scopes: []string{conformance.ScopeOrdersRead}}
	with := func(cfg clientcredentials.Config) connect.ClientOption {
		return connect.WithInterceptors(connectauth.ClientInterceptor(cfg.TokenSource(context.Background())))
	}
	ok := with(cc)
	for _, m := range []string{conformance.MethodGet, conformance.MethodList, conformance.MethodGet} {
		res := callConnect(t.Context(), hc, base, conformance.Call{Method: m}, ok, connect.WithGRPC())
		if res.Category != conformance.OK || len(res.Messages) == 0 || res.Messages[0] != "machine:"+conformance.OrdersClient {
			t.Fatalf("%s: %s %q %q", m, res.Category, res.Message, res.Messages)
		}
	}
	if fetches != 1 {
		t.Fatalf("%d token fetches for three calls, want 1", fetches)
	}
	bad := cc
	bad.ClientSecret = "wrong"
	for _, m := range []string{conformance.MethodGet, conformance.MethodList} {
		if res := callConnect(t.Context(), hc, base, conformance.Call{Method: m}, with(bad)); res.Category != conformance.Unauthenticated {
			t.Fatalf("%s, a refused client: %s %q", m, res.Category, res.Message)
		}
	}
	// core/m2m's source, refused: its *m2m.TokenError is a refusal too.
	refused, err := m2m.New(m2m.WithEnvironment(func(string) (string, bool) { return "", false }), m2m.WithDomain(endpoint.URL),
		m2m.WithClient(conformance.OrdersClient, "wrong"), m2m.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = refused.Close() })
	if res := callConnect(t.Context(), hc, base, conformance.Call{Method: conformance.MethodGet},
		connect.WithInterceptors(connectauth.ClientInterceptor(refused))); res.Category != conformance.Unauthenticated {
		t.Fatalf("an m2m source refused: %s %q", res.Category, res.Message)
	}
	endpoint.Close()
	down := cc
	for _, m := range []string{conformance.MethodGet, conformance.MethodList} {
		if res := callConnect(t.Context(), hc, base, conformance.Call{Method: m}, with(down)); res.Category != conformance.Unavailable {
			t.Fatalf("%s, the token endpoint down: %s %q", m, res.Category, res.Message)
		}
	}
}
