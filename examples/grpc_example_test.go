package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
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

// grpcBinaries builds cognito-local and the gRPC example's server once.
var grpcBinaries = sync.OnceValues(func() (string, error) {
	dir := filepath.Join(binDir, "grpc-example")
	for pkg, out := range map[string]string{"./grpc": "server", "github.com/cognitoauth/cognito-auth-go/core/cmd/cognito-local": "cognito-local"} {
		if b, err := exec.Command("go", "build", "-o", filepath.Join(dir, out), pkg).CombinedOutput(); err != nil {
			return "", errors.New("go build " + pkg + ": " + err.Error() + "\n" + string(b))
		}
	}
	return dir, nil
})

// reporterClient is the machine client scripts/demo.sh gives cognito-local.
const reporterClient = "ordersreporter000000000001"

// environ is the process environment without COGNITO_AUTH_*, plus env.
func environ(env map[string]string) []string {
	out := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "COGNITO_AUTH_") })
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// demoRun is one run of a README command to its end.
type demoRun struct {
	stdout, stderr string
	err            error // nil: exit status 0
	took           time.Duration
}

// runREADMECommand runs command with bash at the repository root, as a
// person does from a checkout (the repository's go.work whatever GOWORK
// the test runs under; this shell's environment otherwise, plus env), in
// its own process group, stopped with SIGTERM after limit.
func runREADMECommand(t *testing.T, command string, env map[string]string, limit time.Duration) demoRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", command)
	cmd.Dir = ".."
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOWORK=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 15 * time.Second
	start := time.Now()
	err := cmd.Run()
	r := demoRun{stdout: stdout.String(), stderr: stderr.String(), err: err, took: time.Since(start)}
	if ctx.Err() != nil {
		t.Fatalf("%s did not end within %v\nstdout:\n%s\nstderr:\n%s", command, limit, r.stdout, r.stderr)
	}
	return r
}

// clientLines are what the example client prints when the demo works: the
// principal each server saw, three stream events each, and DeleteOrder
// refused to a machine client.
func clientLines() []string {
	var lines []string
	for _, s := range []struct{ name, order, item, deleteRefused string }{
		{"grpc   ", "1001", "widget (pending)", "PermissionDenied"},
		{"connect", "1002", "gadget (shipped)", "permission_denied"},
	} {
		lines = append(lines,
			fmt.Sprintf("%s GetOrder %s: %s, seen by machine:%s", s.name, s.order, s.item, reporterClient),
			s.name+" WatchOrders: 1001 pending", s.name+" WatchOrders: 1002 shipped", s.name+" WatchOrders: 1001 pending",
			fmt.Sprintf("%s DeleteOrder %s: %s", s.name, s.order, s.deleteRefused))
	}
	return lines
}

// TestGRPCDemoScript runs the command examples/grpc/README.md gives, as
// written, from the repository root: cognito-local -hosted-ui with the
// machine client in front of the example server, then the example client
// with a core/m2m token from cognito-local's token endpoint, all real
// processes. It prints what the README shows, the client's lines among
// them, and exits 0. With a port taken it stops at once, naming the port
// and the setting to change.
func TestGRPCDemoScript(t *testing.T) {
	b, err := os.ReadFile("grpc/README.md")
	if err != nil {
		t.Fatal(err)
	}
	run := section(t, string(b), "## Run it")
	command := find(t, run, "(?s)```sh\\n(\\./scripts/demo\\.sh grpc)\\n```", "examples/grpc/README.md's demo command")
	shown := find(t, run, "(?s)```text\\n(Building .*?)```", "examples/grpc/README.md's demo output")

	t.Run("as written", func(t *testing.T) {
		// A setting left in the shell reaches neither the server nor the
		// client (the server would not start with this policy path).
		shell := map[string]string{"COGNITO_AUTH_CONFIG_PATH": "/nonexistent/policy.json"}
		r := runREADMECommand(t, command, shell, 5*time.Minute) // it builds three binaries first
		t.Logf("%s took %v and printed:\n%s", command, r.took.Round(100*time.Millisecond), r.stdout)
		if r.err != nil {
			t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", command, r.err, r.stdout, r.stderr)
		}
		if r.stdout != shown {
			t.Errorf("%s printed\n%s\nexamples/grpc/README.md shows\n%s", command, r.stdout, shown)
		}
		want := strings.Join(clientLines(), "\n") + "\n"
		if !strings.HasSuffix(r.stdout, "printed:\n"+want) {
			t.Errorf("the client's lines: got\n%s\nwant them to end the output:\n%s", r.stdout, want)
		}
	})

	t.Run("a busy port", func(t *testing.T) {
		for _, setting := range []string{"LISTEN", "APP_PORT", "GRPC_PORT"} {
			t.Run(setting, func(t *testing.T) {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = ln.Close() })
				_, busy, _ := net.SplitHostPort(ln.Addr().String())
				env := map[string]string{"LISTEN": "127.0.0.1:" + freePort(t), "APP_PORT": freePort(t), "GRPC_PORT": freePort(t)}
				env[setting] = busy
				if setting == "LISTEN" {
					env[setting] = "127.0.0.1:" + busy
				}
				r := runREADMECommand(t, command, env, time.Minute)
				msg := "demo: port " + busy + " is in use ("
				if r.err == nil || !strings.Contains(r.stderr, msg) || !strings.Contains(r.stderr, "; stop what listens there or set "+setting+"=") {
					t.Fatalf("%s=%s taken: %v\nstdout:\n%s\nstderr:\n%s\nwant a failure saying %q and naming %s", setting, env[setting], r.err, r.stdout, r.stderr, msg, setting)
				}
				if r.stdout != "" || r.took > 10*time.Second {
					t.Fatalf("%s=%s taken: it went on for %v (stdout %q) before failing", setting, env[setting], r.took, r.stdout)
				}
			})
		}
	})
}

// localUsers are the users TestGRPCExampleBehindCognitoLocal signs in as.
const localUsers = `[
  {"email": "alice@example.com", "username": "alice", "groups": ["staff"]},
  {"email": "root@example.com", "username": "root", "groups": ["staff", "admins"]}
]`

// TestGRPCExampleBehindCognitoLocal starts what scripts/demo.sh grpc
// starts — cognito-local -hosted-ui and the example server it configures,
// both real processes — with users who sign in on cognito-local's hosted
// UI (the authorization code grant) and tokens that live four seconds, and
// checks from here what the client does not: the health service is
// public, reflection is refused without a token, users read, only admins
// delete, and a stream ends with Unauthenticated when its token expires.
func TestGRPCExampleBehindCognitoLocal(t *testing.T) {
	dir, err := grpcBinaries()
	if err != nil {
		t.Fatal(err)
	}
	usersFile := filepath.Join(t.TempDir(), "users.json")
	if err := os.WriteFile(usersFile, []byte(localUsers), 0o600); err != nil {
		t.Fatal(err)
	}
	const (
		ttl       = 4 * time.Second
		appSecret = "app-client-secret"
	)
	localPort, httpPort, grpcPort := freePort(t), freePort(t), freePort(t)
	local, app := "http://127.0.0.1:"+localPort, "http://127.0.0.1:"+httpPort
	out := &syncWriter{}
	startProcess(t, out, environ(map[string]string{"GRPC_PORT": grpcPort}), filepath.Join(dir, "cognito-local"), "-hosted-ui",
		"-listen", "127.0.0.1:"+localPort, "-upstream", app, "-users", usersFile, "-client-secret", appSecret,
		"-token-ttl", ttl.String(), "-machine-client", reporterClient+":reporter-secret:orders/read", "--", filepath.Join(dir, "server"))
	waitFor(t, local+"/.cognito-local/healthz", out)
	waitFor(t, app+"/health", out)

	// signIn signs in on the hosted UI and redeems the code: a user's
	// access token, fresh (it lives ttl).
	hc := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(hc.CloseIdleConnections)
	signIn := func(t *testing.T, email string) string {
		t.Helper()
		ui, callback := local+"/.cognito-local/ui", app+"/login/cognito/authorized"
		post := func(path string, form url.Values, basic bool) *http.Response {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ui+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if basic {
				req.SetBasicAuth("cognitolocalclient", appSecret)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}
		resp := post("/login", url.Values{
			"response_type": {"code"}, "client_id": {"cognitolocalclient"}, "redirect_uri": {callback},
			"username": {email}, "password": {ct.DefaultPassword},
		}, false)
		_ = resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		code := loc.Query().Get("code")
		if resp.StatusCode != http.StatusFound || code == "" {
			t.Fatalf("signing in as %s: %d %s\n%s", email, resp.StatusCode, loc, out)
		}
		resp = post("/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callback}}, true)
		defer func() { _ = resp.Body.Close() }()
		var tk struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&tk); err != nil || resp.StatusCode != http.StatusOK || tk.AccessToken == "" {
			t.Fatalf("redeeming %s's code: %d %v", email, resp.StatusCode, err)
		}
		return tk.AccessToken
	}
	as := func(t *testing.T, email string) context.Context {
		return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+signIn(t, email))
	}

	conn, err := grpc.NewClient("127.0.0.1:"+grpcPort, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	orders := ordersv1.NewOrderServiceClient(conn)

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
		names, err := list(as(t, "alice@example.com"))
		if err != nil || !slices.Contains(names, "orders.v1.OrderService") {
			t.Fatalf("reflection for a user: %v %v", names, err)
		}
	})
	t.Run("users: readers, and admins delete", func(t *testing.T) {
		if _, err := orders.GetOrder(t.Context(), &ordersv1.GetOrderRequest{Id: "1001"}); status.Code(err) != codes.Unauthenticated {
			t.Fatalf("GetOrder without a token: %v", err)
		}
		o, err := orders.GetOrder(as(t, "alice@example.com"), &ordersv1.GetOrderRequest{Id: "1002"})
		if err != nil || o.GetViewedBy() != "user:alice" {
			t.Fatalf("GetOrder for a user: %v %v", o, err)
		}
		if _, err := orders.DeleteOrder(as(t, "alice@example.com"), &ordersv1.DeleteOrderRequest{Id: "1002"}); status.Code(err) != codes.PermissionDenied {
			t.Fatalf("DeleteOrder for a user outside admins: %v", err)
		}
		d, err := orders.DeleteOrder(as(t, "root@example.com"), &ordersv1.DeleteOrderRequest{Id: "1002"})
		if err != nil || d.GetDeletedBy() != "user:root" {
			t.Fatalf("DeleteOrder for an admin: %v %v", d, err)
		}
	})
	t.Run("a stream ends when its token expires", func(t *testing.T) {
		start := time.Now()
		ctx := as(t, "alice@example.com")
		signedIn := time.Now()
		s, err := orders.WatchOrders(ctx, &ordersv1.WatchOrdersRequest{})
		if err != nil {
			t.Fatal(err)
		}
		events := 0
		for err == nil {
			if _, err = s.Recv(); err == nil {
				events++
			}
		}
		// The token's exp is whole seconds: it ends at most a second before
		// start+ttl, and at the latest ttl after the sign-in.
		if status.Code(err) != codes.Unauthenticated || events == 0 || time.Since(start) < ttl-1500*time.Millisecond || time.Since(signedIn) > ttl+2*time.Second {
			t.Fatalf("the stream ended with %v after %d events, %v after the sign-in; want Unauthenticated about %v after it", err, events, time.Since(signedIn), ttl)
		}
	})
}
