package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// TestMachineClientFlag: -machine-client id:secret:scope1,scope2 is
// repeatable, needs -hosted-ui, a secret and custom scopes, and refuses a
// client id given twice or the sign-in app client's.
func TestMachineClientFlag(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string // the error's start, "" for none
	}{
		{"without -hosted-ui", []string{"-machine-client", "worker:s3cret:orders/read"}, "-machine-client needs -hosted-ui"},
		{"no colons", []string{"-hosted-ui", "-machine-client", "worker"}, `invalid value "worker" for flag -machine-client: "worker": use id:secret:scope1,scope2`},
		{"no secret", []string{"-hosted-ui", "-machine-client", "worker::orders/read"}, "invalid value \"worker::orders/read\" for flag -machine-client: machine client worker needs a secret"},
		{"no scope", []string{"-hosted-ui", "-machine-client", "worker:s3cret:"}, "invalid value \"worker:s3cret:\" for flag -machine-client: machine client worker needs at least one custom scope"},
		{"a system scope", []string{"-hosted-ui", "-machine-client", "worker:s3cret:openid"}, "invalid value \"worker:s3cret:openid\" for flag -machine-client: machine client worker: scope \"openid\" is not a custom scope"},
		{"twice", []string{"-hosted-ui", "-machine-client", "worker:a:orders/read", "-machine-client", "worker:b:orders/read"}, "-machine-client worker is given twice"},
		{"the app client's id", []string{"-hosted-ui", "-client-id", "worker", "-machine-client", "worker:a:orders/read"}, "-machine-client worker: that is the sign-in app client's id"},
		{"two clients", []string{"-hosted-ui", "-machine-client", "worker:s3cret:https://api.example.com/orders.read,orders/write", "-machine-client", "reports:x:reports/read"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := parseFlags(c.args, io.Discard)
			if c.want != "" {
				if err == nil || !strings.HasPrefix(err.Error(), c.want) {
					t.Fatalf("%v, want %q", err, c.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// The secret ends at the second colon; the scopes keep theirs.
			want := machineClients{
				{id: "worker", secret: "s3cret", scopes: []string{"https://api.example.com/orders.read", "orders/write"}},
				{id: "reports", secret: "x", scopes: []string{"reports/read"}},
			}
			if !reflect.DeepEqual(s.ui.machines, want) {
				t.Fatalf("machine clients %+v, want %+v", s.ui.machines, want)
			}
		})
	}
}

// TestHostedUIModeMachineClients: the local hosted UI issues the machine
// clients' client-credentials tokens, and the environment handed to the
// app makes core accept them as machine principals.
func TestHostedUIModeMachineClients(t *testing.T) {
	mux := http.NewServeMux()
	front := httptest.NewServer(mux)
	t.Cleanup(front.Close)
	iss, err := ct.New(ct.WithKeyServerURL(front.URL + keysPrefix))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(iss.Close)
	app, _ := url.Parse("http://127.0.0.1:8080")
	machines := machineClients{{id: "worker", secret: "s3cret", scopes: []string{"orders/read", "orders/write"}}, {id: "reports", secret: "r3ports", scopes: []string{"reports/read"}}}
	h, env := newHostedUIMode(iss, defaultUsers, front.URL, app, hostedUIConfig{ttl: time.Hour, secret: "x", machines: machines})
	mux.Handle("/", h)
	if got := env[core.EnvMachineClientIDs]; got != "worker,reports" {
		t.Fatalf("%s=%q", core.EnvMachineClientIDs, got)
	}
	v, err := core.NewVerifier(core.WithEnvironment(func(k string) (string, bool) { s, ok := env[k]; return s, ok }))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id, secret, scope string
		status            int
		want              []string
	}{
		{"worker", "s3cret", "", 200, []string{"orders/read", "orders/write"}},
		{"reports", "r3ports", "reports/read", 200, []string{"reports/read"}},
		{"reports", "r3ports", "orders/read", 400, nil},
		{"worker", "wrong", "", 400, nil},
	} {
		form := url.Values{"grant_type": {"client_credentials"}}
		if c.scope != "" {
			form.Set("scope", c.scope)
		}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, env["COGNITO_AUTH_DOMAIN"]+"/oauth2/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(c.id, c.secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var tk map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&tk)
		_ = resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Fatalf("%s %q: %d %v, want %d", c.id, c.scope, resp.StatusCode, tk, c.status)
		}
		if c.status != http.StatusOK {
			continue
		}
		access, _ := tk["access_token"].(string)
		u, err := v.VerifyAccessToken(t.Context(), access)
		if err != nil {
			t.Fatalf("%s: %v", c.id, err)
		}
		if !u.Machine || u.ClientID != c.id || !reflect.DeepEqual(u.Scopes, c.want) {
			t.Fatalf("%s: machine %v client %q scopes %v", c.id, u.Machine, u.ClientID, u.Scopes)
		}
	}
}

// TestPrintMachineClients: the start-up message names each machine client
// with the calling side's environment.
func TestPrintMachineClients(t *testing.T) {
	var b bytes.Buffer
	printMachineClients(&b, "http://127.0.0.1:9000/.cognito-local/ui", nil)
	if b.Len() != 0 {
		t.Fatalf("printed %q for no machine clients", b.String())
	}
	printMachineClients(&b, "http://127.0.0.1:9000/.cognito-local/ui", machineClients{{id: "worker", secret: "s3cret", scopes: []string{"orders/read", "orders/write"}}})
	want := "cognito-local: machine clients (client credentials at http://127.0.0.1:9000/.cognito-local/ui/oauth2/token; the app is told COGNITO_AUTH_MACHINE_CLIENT_IDS=worker):\n" +
		"  worker, scopes orders/read orders/write: COGNITO_AUTH_DOMAIN=http://127.0.0.1:9000/.cognito-local/ui COGNITO_AUTH_M2M_CLIENT_ID=worker COGNITO_AUTH_M2M_CLIENT_SECRET=s3cret\n"
	if b.String() != want {
		t.Fatalf("printed\n%s\nwant\n%s", b.String(), want)
	}
}
