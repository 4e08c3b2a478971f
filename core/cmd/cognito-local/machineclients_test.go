package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
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

// TestTheAppsEnvironment: the app started after "--" gets what
// cognito-local sets over anything in its own environment; in hosted-UI
// mode it inherits no ALB settings and no machine client ids but the
// -machine-client ones, and keeps the rest (GRPC_PORT, a policy path). The
// start-up message names each machine client with the calling side's
// environment.
func TestTheAppsEnvironment(t *testing.T) {
	for k, v := range map[string]string{
		core.EnvALBARN: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/real/0123456789abcdef", core.EnvALBKeysURL: "https://keys.example.com",
		core.EnvMachineClientIDs: "stale", core.EnvUserPoolID: "us-east-1_Stale", "COGNITO_AUTH_CONFIG_PATH": "/etc/policy.json", "GRPC_PORT": "50051",
	} {
		t.Setenv(k, v)
	}
	for _, c := range []struct {
		name  string
		args  []string
		want  map[string]string // "" for unset
		print string
	}{
		{"hosted UI with a machine client", []string{"-hosted-ui", "-machine-client", "worker:s3cret:orders/read"}, map[string]string{
			core.EnvALBARN: "", core.EnvALBKeysURL: "", core.EnvMachineClientIDs: "worker", core.EnvUserPoolID: "eu-west-2_CognitoLocal",
			"COGNITO_AUTH_CONFIG_PATH": "/etc/policy.json", "GRPC_PORT": "50051", "HOST": "127.0.0.1", "PORT": "18080",
		}, "  worker, scopes orders/read: COGNITO_AUTH_DOMAIN=BASE/.cognito-local/ui COGNITO_AUTH_M2M_CLIENT_ID=worker COGNITO_AUTH_M2M_CLIENT_SECRET=s3cret\n"},
		{"hosted UI without", []string{"-hosted-ui"}, map[string]string{
			core.EnvALBARN: "", core.EnvALBKeysURL: "", core.EnvMachineClientIDs: "", "GRPC_PORT": "50051",
		}, ""},
		{"ALB", nil, map[string]string{
			core.EnvALBARN:     "arn:aws:elasticloadbalancing:eu-west-2:000000000000:loadbalancer/app/cognito-local/0000000000000000",
			core.EnvALBKeysURL: "BASE/.cognito-local/keys/alb-keys", core.EnvMachineClientIDs: "stale", "GRPC_PORT": "50051",
		}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dump := filepath.Join(t.TempDir(), "env")
			var out bytes.Buffer
			args := append(slices.Clone(c.args), "-listen", "127.0.0.1:0", "-upstream", "http://127.0.0.1:18080", "--", "sh", "-c", "env > "+dump)
			if err := run(args, &out, io.Discard); err == nil || err.Error() != "the app exited" {
				t.Fatalf("run: %v, want the app exited\n%s", err, &out)
			}
			// The first line names cognito-local's own address first.
			first, _, _ := strings.Cut(out.String(), "\n")
			base := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(first)
			b, err := os.ReadFile(dump)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for line := range strings.SplitSeq(strings.TrimSpace(string(b)), "\n") {
				k, v, _ := strings.Cut(line, "=")
				got[k] = append(got[k], v)
			}
			for k, v := range c.want {
				v = strings.ReplaceAll(v, "BASE", base)
				switch {
				case v == "" && got[k] != nil:
					t.Errorf("the app inherited %s=%v", k, got[k])
				case v != "" && !reflect.DeepEqual(got[k], []string{v}):
					t.Errorf("the app got %s=%q, want %q", k, got[k], v)
				}
			}
			if p := strings.ReplaceAll(c.print, "BASE", base); !strings.Contains(out.String(), p) {
				t.Errorf("printed\n%s\nwant a line %q", &out, p)
			}
		})
	}
}
