package core_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

const (
	ordersClient = "ordersservice1234567890"
	otherMachine = "reportsservice123456789"
)

// machineRouter serves "/" (no route rules: app-wide protection only),
// "/orders" (RequireScopes orders/read), "/reports" (AllowClients of the
// reports service) and "/staff" (AllowGroups staff), each answering
// "machine <client>" or "user <email>".
func machineRouter(t *testing.T, a *core.BaseAuth) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	route := func(path string, rules ...core.Rule) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			u, err := a.Authenticate(r.Context(), core.HTTPRequest(r), rules...)
			if err != nil {
				f := a.Failure(core.HTTPRequest(r), err)
				w.Header().Set("X-Test-Code", string(core.CodeOf(err)))
				f.Write(w)
				return
			}
			if u.Machine {
				_, _ = w.Write([]byte("machine " + u.ClientID))
				return
			}
			_, _ = w.Write([]byte("user " + u.Email))
		})
	}
	route("/")
	route("/orders", core.RequireScopes("orders/read"))
	route("/reports", core.AllowClients(otherMachine))
	route("/staff", core.AllowGroups("staff"))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func call(t *testing.T, srv *httptest.Server, path string, h http.Header) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
	req.Header = h
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, resp.Header.Get("X-Test-Code")
	}
	return resp.StatusCode, string(b)
}

// TestMachinePrincipals: a client-credentials token of an allowed machine
// client is a machine principal — no username, email or groups, the
// app-wide user policy not applied — admitted where a route's rules admit
// it and nowhere else by default; a machine token of any other client is
// refused (client_mismatch), even with no client pinned. (Before: one
// client allow-list for every kind of token, machine tokens were half-empty
// users, the user policy refused them everywhere, and with no policy they
// passed every route.)
func TestMachinePrincipals(t *testing.T) {
	policy := core.WithPolicy(core.Policy{AllowedGroups: []string{"staff"}})
	orders := bearer(issuer.MintMachine(ordersClient, []string{"orders/read"}))
	reports := bearer(issuer.MintMachine(otherMachine, []string{"reports/read"}))
	stranger := bearer(issuer.MintMachine("strangerservice12345678", []string{"orders/read"}))
	staffUser := bearer(issuer.Mint(ct.User{Email: "alice@example.com", Groups: []string{"staff"}}).AccessToken)
	for _, tc := range []struct {
		name     string
		anywhere bool
		h        http.Header
		want     map[string]string // path -> body, or status code
	}{
		{"orders service, default", false, orders, map[string]string{
			"/": "machine_not_allowed", "/orders": "machine " + ordersClient, "/reports": "route_forbidden", "/staff": "route_forbidden",
		}},
		{"reports service, default", false, reports, map[string]string{
			"/": "machine_not_allowed", "/orders": "route_forbidden", "/reports": "machine " + otherMachine,
		}},
		{"orders service, machine access all", true, orders, map[string]string{
			"/": "machine " + ordersClient, "/orders": "machine " + ordersClient, "/staff": "route_forbidden",
		}},
		{"a machine client not allowed", true, stranger, map[string]string{"/": "client_mismatch", "/orders": "client_mismatch"}},
		{"a user: the policy and the route rules", false, staffUser, map[string]string{
			"/": "user ", "/staff": "user ", "/orders": "route_forbidden",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := bearerAuth(t, policy, core.WithMachineAccess(tc.anywhere))
			srv := machineRouter(t, a)
			for path, want := range tc.want {
				if _, got := call(t, srv, path, tc.h); got != want {
					t.Errorf("%s: got %q, want %q", path, got, want)
				}
			}
		})
	}
}

// machineOpts are the machine clients every bearer guard accepts.
var machineOpts = []core.Option{core.WithMachineClientIDs(ordersClient, otherMachine)}

// TestMachineUser: the User a machine token gives, and a machine token in
// ALB headers (the ALB forwards users' tokens only) refused.
func TestMachineUser(t *testing.T) {
	a := bearerAuth(t)
	u, err := a.Authenticate(t.Context(), newRequest(bearer(issuer.MintMachine(ordersClient, []string{"orders/read", "orders/write"}))), core.RequireScopes("orders/read"))
	if err != nil {
		t.Fatal(err)
	}
	if !u.Machine || u.Sub != ordersClient || u.ClientID != ordersClient || u.Username != "" || u.Email != "" || len(u.Groups) != 0 || !u.HasScope("orders/write") {
		t.Fatalf("machine user %+v", u)
	}
	h := issuer.Mint(staff)
	h.AccessToken = issuer.MintMachine(ordersClient, []string{"orders/read"})
	h.Identity = ordersClient
	if _, err := authenticate(a, h.Header()); core.CodeOf(err) != core.CodeClientMismatch {
		t.Fatalf("a machine token in ALB headers: %v", err)
	}
}

// TestMachineConfiguration: the environment names the machine clients and
// where they may go; a client id that is both the app's and a machine's, or
// an unknown access mode, is a configuration error naming the fix.
func TestMachineConfiguration(t *testing.T) {
	base := map[string]string{core.EnvUserPoolID: testPool, core.EnvBearer: "true"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{with(core.EnvMachineClientIDs, "svc1,svc2", core.EnvMachineAccess, "all"), ""},
		{with(core.EnvMachineAccess, "Rules"), ""},
		{with(core.EnvMachineAccess, "some"), "is not rules"},
		{with(core.EnvClientID, "webapp1", core.EnvMachineClientIDs, "webapp1"), "in both " + core.EnvClientID},
		{with(core.EnvMachineClientIDs, "bad client!"), "machine client id"},
	} {
		a, err := core.New(core.WithEnvironment(envMap(tc.env)))
		if err == nil {
			_ = a.Close()
		}
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%v: %v, want %q", tc.env, err, tc.want)
		}
	}
}
