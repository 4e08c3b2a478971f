// Command cognito-local plays the AWS Application Load Balancer with Cognito
// authentication on one machine, so an app protected by cognito-auth-go runs
// its real verification path with no AWS account.
//
// It shows a small login page listing mock users; after sign-in it forwards
// every request to the app with x-amzn-oidc-data (ES256, padded, with a real
// signer ARN), an access token and the identity header, all signed with its
// own keys, which it serves itself. Client-sent x-amzn-oidc-* headers are
// always removed, as the ALB does. With -capture DIR it also writes every
// request the app receives to DIR, one raw HTTP file per request, for
// cognito-auth explain.
//
//	cognito-local -upstream http://127.0.0.1:8080 -- ./my-app
//
// With -hosted-ui it instead serves a local Cognito hosted UI (login form,
// token, userInfo, revoke and logout endpoints) for an app that runs the
// login itself with core/hostedui, and with -machine-client the
// client-credentials tokens of machine app clients.
//
// With a command after "--", cognito-local starts the app with the
// COGNITO_AUTH_* environment (and PORT) pointing at itself and stops when the
// app exits. Without one it prints the environment to give the app.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp): // -h: the usage was printed
	case err != nil:
		fmt.Fprintln(os.Stderr, "cognito-local:", err)
		os.Exit(1)
	}
}

// settings are cognito-local's flags, checked.
type settings struct {
	listen, pool, client, arn string
	captureDir                string
	upstream                  *url.URL
	users                     []ct.User
	pools                     []string
	hostedUI                  bool
	ui                        hostedUIConfig
	proxy                     proxyConfig
	command                   []string
}

// parseFlags reads and checks the command line.
func parseFlags(args []string, stderr io.Writer) (*settings, error) {
	fs := flag.NewFlagSet("cognito-local", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:9000", "address to listen on (the URL to open)")
	upstreamFlag := fs.String("upstream", "http://127.0.0.1:8080", "the app behind the proxy")
	usersFile := fs.String("users", "", "mock users: a dev-mock-user.json object, an array of them, or {\"users\": [...]} (default: alice, root, eve)")
	pool := fs.String("user-pool-id", "eu-west-2_CognitoLocal", "user pool id the tokens claim")
	client := fs.String("client-id", "cognitolocalclient", "app client id the tokens claim")
	arn := fs.String("alb-arn", "arn:aws:elasticloadbalancing:eu-west-2:000000000000:loadbalancer/app/cognito-local/0000000000000000", "ALB ARN used as signer")
	ttl := fs.Duration("token-ttl", time.Hour, "lifetime of minted access tokens (the app client's access token lifetime)")
	dataTTL := fs.Duration("data-token-ttl", 120*time.Second, "lifetime of each x-amzn-oidc-data token; re-minted before it expires, as the ALB does")
	resign := fs.Bool("resign-every-request", false, "mint a new x-amzn-oidc-data token on every request (the ALB may re-sign it each time)")
	format := fs.String("issuer-format", "original", "issuer format of the tokens: original (https://cognito-idp.REGION.amazonaws.com/POOL) or updated (https://issuer-cognito-idp.REGION.amazonaws.com/POOL)")
	publicFlag := fs.String("public", "", "comma-separated paths forwarded without a login, like ALB listener rules with no authenticate action: exact paths or prefixes ending in /* (e.g. /health,/static/*)")
	capture := fs.String("capture", "", "write every request forwarded to the app, exactly as the app receives it (headers included), to this directory, one raw HTTP file per request that cognito-auth explain reads, and the app's environment to DIR/"+captureEnvFile)
	hostedUI := fs.Bool("hosted-ui", false, "serve a local Cognito hosted UI for an app that runs the login itself (core/hostedui) instead of proxying like an ALB")
	secret := fs.String("client-secret", "", "with -hosted-ui: the app client secret (default: a random one; -client-secret= for a public client with no secret)")
	rotate := fs.Bool("refresh-rotation", false, "with -hosted-ui: rotate refresh tokens: every refresh returns a new refresh token and retires the one sent")
	grace := fs.Duration("refresh-grace", 0, "with -refresh-rotation: how long a rotated-out refresh token still works after its first use, 0s to 60s (RetryGracePeriodSeconds)")
	var machines machineClients
	fs.Var(&machines, "machine-client", "with -hosted-ui: a machine app client with the client credentials grant, as id:secret:scope1,scope2 (custom scopes resourceServerIdentifier/scopeName); repeat for more")
	scopes := fs.String("allowed-scopes", "", "with -hosted-ui: comma-separated custom OAuth scopes the app client allows, besides openid, email, phone, profile and aws.cognito.signin.user.admin")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range []string{"client-secret", "refresh-rotation", "refresh-grace", "allowed-scopes", "machine-client"} {
		if set[name] && !*hostedUI {
			return nil, fmt.Errorf("-%s needs -hosted-ui", name)
		}
	}
	if *capture != "" && *hostedUI {
		return nil, errors.New("-capture records what cognito-local forwards as the load balancer; with -hosted-ui the app is reached directly, so capture there (see Troubleshooting)")
	}
	if set["refresh-grace"] && !*rotate {
		return nil, errors.New("-refresh-grace needs -refresh-rotation")
	}
	if !set["client-secret"] {
		*secret = randomHex(16)
	}
	s := &settings{
		listen: *listen, pool: *pool, client: *client, arn: *arn, hostedUI: *hostedUI, command: fs.Args(), captureDir: *capture,
		ui: hostedUIConfig{ttl: *ttl, secret: *secret, rotate: *rotate, grace: *grace, allowedScopes: splitComma(*scopes), machines: machines},
	}
	if err := s.ui.check(*client); err != nil {
		return nil, err
	}
	var err error
	if s.upstream, err = url.Parse(*upstreamFlag); err != nil || s.upstream.Host == "" {
		return nil, fmt.Errorf("-upstream %q is not a URL", *upstreamFlag)
	}
	public, err := parsePublic(*publicFlag)
	if err != nil {
		return nil, fmt.Errorf("-public: %w", err)
	}
	if *format != "original" && *format != "updated" {
		return nil, fmt.Errorf("-issuer-format %q: use original or updated", *format)
	}
	if s.users, s.pools, err = loadUsers(*usersFile); err != nil {
		return nil, fmt.Errorf("-users: %w", err)
	}
	s.proxy = proxyConfig{ttl: *ttl, dataTTL: *dataTTL, resign: *resign, updated: *format == "updated", public: public, pools: s.pools}
	return s, nil
}

// splitComma returns the non-empty, trimmed items of a comma list.
func splitComma(list string) []string {
	var out []string
	for s := range strings.SplitSeq(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func run(args []string, stdout, stderr io.Writer) error {
	s, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	upstream, users := s.upstream, s.users
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", s.listen)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	iss, err := ct.New(ct.WithKeyServerURL(base+keysPrefix), ct.WithUserPoolID(s.pool), ct.WithClientID(s.client), ct.WithALBARN(s.arn))
	if err != nil {
		return err
	}
	defer iss.Close()
	var (
		handler http.Handler
		env     map[string]string
		drop    []string // inherited variables the app must not see
	)
	if s.hostedUI {
		handler, env = newHostedUIMode(iss, users, base, upstream, s.ui)
		drop = hostedUIDropped
	} else {
		if s.captureDir != "" {
			if s.proxy.capture, err = openCaptures(s.captureDir, stderr); err != nil {
				return err
			}
		}
		p := newProxy(iss, users, upstream, s.proxy)
		handler, env = p, p.env(upstream.Port())
		if s.proxy.capture != nil {
			if err := s.proxy.capture.writeEnv(env); err != nil {
				return fmt.Errorf("-capture: %w", err)
			}
		}
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()

	if s.hostedUI {
		fmt.Fprintf(stdout, "cognito-local: serving a local Cognito hosted UI at %s%s for the app at %s\n", base, hostedUIPrefix, upstream)
		fmt.Fprintf(stdout, "cognito-local: open %s/ and sign in as %s (or any of %d users) with password %s\n", strings.TrimRight(upstream.String(), "/"), users[0].Email, len(users), ct.DefaultPassword)
		fmt.Fprintf(stdout, "cognito-local: app client: %s\n", s.ui)
		printMachineClients(stdout, base+hostedUIPrefix, s.ui.machines)
	} else {
		fmt.Fprintf(stdout, "cognito-local: playing the ALB on %s, forwarding to %s\n", base, upstream)
		fmt.Fprintf(stdout, "cognito-local: open %s/ and pick a user (%d available); sign out at %s%s\n", base, len(users), base, logoutPath)
		fmt.Fprintf(stdout, "cognito-local: from a terminal: curl -H '%s: %s' %s/api/me\n", userHeader, users[0].Email, base)
		if s.captureDir != "" {
			fmt.Fprintf(stdout, "cognito-local: writing every request the app receives to %s; explain the last one with:\n  ( . %s && cognito-auth explain \"$(ls %s | tail -1)\" )\n",
				s.captureDir, shellQuote(s.captureDir)+"/"+captureEnvFile, shellQuote(s.captureDir)+"/*"+captureExt)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmdArgs := s.command
	if len(cmdArgs) == 0 {
		fmt.Fprintln(stdout, "cognito-local: start your app with this environment:")
		keys := make([]string, 0, len(env))
		for k := range env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(stdout, "  export %s=%s\n", k, jsonString(env[k]))
		}
		select {
		case <-ctx.Done():
			return nil
		case err := <-serveErr:
			return err
		}
	}
	cmd := exec.CommandContext(ctx, cmdArgs[0], cmdArgs[1:]...) //nolint:gosec // the operator's own command
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.Env = appEnviron(os.Environ(), env, drop)
	// The app runs in its own process group, and stopping cognito-local
	// stops the whole group: "go run ./cmd/app" leaves its compiled child
	// running if only the go command is signalled.
	startInGroup(cmd)
	cmd.Cancel = func() error { return stopGroup(cmd.Process) }
	cmd.WaitDelay = 5 * time.Second
	fmt.Fprintf(stdout, "cognito-local: starting the app: %v\n", cmdArgs)
	if err := cmd.Start(); err != nil {
		return err
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	select {
	case err := <-waitErr:
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			return errors.New("the app exited")
		}
		return fmt.Errorf("the app exited: %w", err)
	case err := <-serveErr:
		_ = stopGroup(cmd.Process)
		return err
	}
}

// appEnviron is the environment of the app cognito-local starts: its own
// (parent), without the variables env sets or drop names, then env. What
// cognito-local sets always wins, and the app never mixes a setting left
// in the shell (a real pool's ALB ARN, machine client ids) with
// cognito-local's issuer.
func appEnviron(parent []string, env map[string]string, drop []string) []string {
	out := make([]string, 0, len(parent)+len(env))
	for _, kv := range parent {
		k, _, _ := strings.Cut(kv, "=")
		if _, set := env[k]; !set && !slices.Contains(drop, k) {
			out = append(out, kv)
		}
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, k+"="+env[k])
	}
	return out
}
