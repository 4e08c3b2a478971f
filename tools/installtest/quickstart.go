package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// defaultPort is where the quick starts listen without PORT: the port an
// ALB target group is usually given.
const defaultPort = "8080"

// runQuickstarts runs every quick start that serves HTTP (the programs of
// docs/snippets/quickstart, but the Lambda function) behind cognito-local
// (the released version the consumer requires), as a person trying one
// locally does, with a real
// listener holding the default port: each must listen where cognito-local
// tells it (PORT, and HOST=127.0.0.1: loopback only), let root@example.com
// in, refuse alice@example.com at /admin and refuse requests that do not
// come through cognito-local. It returns how many it ran.
func (c *consumer) runQuickstarts(ctx context.Context) (int, error) {
	bin := filepath.Join(c.dir, "bin")
	entries, err := os.ReadDir(bin)
	if err != nil {
		return 0, err
	}
	var programs []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "quickstart-") && e.Name() != "quickstart-lambda" {
			programs = append(programs, e.Name())
		}
	}
	if len(programs) == 0 {
		return 0, errors.New("no quick start programs were built")
	}
	// cognito-local at the version the consumer requires core at.
	tools := filepath.Join(c.dir, "tools-bin")
	if err := c.goCmd(ctx, "go", "build", "-o", tools+string(filepath.Separator), modulePrefix+"core/cmd/cognito-local"); err != nil {
		return 0, err
	}
	// A real listener on the default port: a quick start that ignored PORT
	// could not start. Another process holding it does the same.
	hold, err := (&net.ListenConfig{}).Listen(ctx, "tcp", ":"+defaultPort)
	switch {
	case err == nil:
		defer func() { _ = hold.Close() }()
		fmt.Fprintf(c.out, "installtest: holding port %s (the quick starts' default) while they run\n", defaultPort)
	case isAddrInUse(err):
		fmt.Fprintf(c.out, "installtest: port %s (the quick starts' default) is held by another process while they run\n", defaultPort)
	default:
		return 0, err
	}
	for _, p := range programs {
		summary, err := runQuickstart(ctx, filepath.Join(tools, "cognito-local"), filepath.Join(bin, p))
		if err != nil {
			return 0, fmt.Errorf("%s behind cognito-local: %w", p, err)
		}
		fmt.Fprintf(c.out, "  %s: %s\n", p, summary)
	}
	return len(programs), nil
}

func isAddrInUse(err error) bool { return errors.Is(err, syscall.EADDRINUSE) }

// runQuickstart runs one quick start behind cognito-local and checks it.
func runQuickstart(ctx context.Context, cognitoLocal, program string) (string, error) {
	appPort, err := freePort(ctx)
	if err != nil {
		return "", err
	}
	proxyPort, err := freePort(ctx)
	if err != nil {
		return "", err
	}
	proxy := "http://127.0.0.1:" + proxyPort
	cmd := exec.CommandContext(ctx, cognitoLocal, "-listen", "127.0.0.1:"+proxyPort,
		"-upstream", "http://127.0.0.1:"+appPort, "-public", "/health", "--", program)
	for _, kv := range os.Environ() { // cognito-local gives the app its own COGNITO_AUTH_*, PORT and HOST
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "COGNITO_AUTH_") && k != "PORT" && k != "HOST" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) } // it stops the app's process group
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		return "", err
	}
	var waitErr error
	exited := make(chan struct{})
	go func() { waitErr = cmd.Wait(); close(exited) }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	defer stop()
	fail := func(format string, args ...any) (string, error) {
		return "", fmt.Errorf(format+"\noutput of cognito-local and the app:\n%s", append(args, indent(out.String()))...)
	}

	deadline := time.Now().Add(time.Minute)
	for {
		if status, _, err := get(ctx, proxy+"/health", ""); err == nil && status == http.StatusOK {
			break
		}
		select {
		case <-exited:
			return fail("cognito-local or the app exited before serving /health (%v)", waitErr)
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fail("/health never answered 200 through cognito-local")
		}
	}
	checks := []struct {
		url, user string
		status    int
		body      string
	}{
		{proxy + "/", "root@example.com", http.StatusOK, "root@example.com"},
		{proxy + "/admin", "root@example.com", http.StatusOK, "admin"},
		{proxy + "/admin", "alice@example.com", http.StatusForbidden, ""},
		{"http://127.0.0.1:" + appPort + "/", "", http.StatusUnauthorized, ""}, // not through cognito-local
	}
	for _, ch := range checks {
		status, body, err := get(ctx, ch.url, ch.user)
		if err != nil {
			return fail("GET %s as %q: %v", ch.url, ch.user, err)
		}
		if status != ch.status || !strings.Contains(body, ch.body) {
			return fail("GET %s as %q: %d %q, want %d with %q", ch.url, ch.user, status, body, ch.status, ch.body)
		}
	}
	addrs, err := listeners(appPort)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Sprintf("served on port %s (PORT; no /proc to check the address)", appPort), nil
	case err != nil:
		return "", err
	}
	if len(addrs) == 0 {
		return fail("nothing in /proc/net/tcp listens on port %s, which answered", appPort)
	}
	for _, a := range addrs {
		if !a.IsLoopback() {
			return fail("listens on %s:%s, want loopback only (HOST=127.0.0.1 from cognito-local)", a, appPort)
		}
	}
	return fmt.Sprintf("listened on 127.0.0.1:%s only (HOST, PORT from cognito-local); root@example.com let in at / and /admin, alice@example.com refused at /admin (403), the app itself refused a request that bypassed cognito-local (401)", appPort), nil
}

// get sends a GET as user (cognito-local's X-Cognito-Local-User; none:
// no login) and returns the status and body.
func get(ctx context.Context, url, user string) (int, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	if user != "" {
		req.Header.Set("X-Cognito-Local-User", user)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, string(b), err
}

// freePort returns a loopback port nothing listens on (now).
func freePort(ctx context.Context) (string, error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = ln.Close() }()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

// listeners returns the local addresses of the TCP sockets listening on
// port, from /proc/net/tcp and /proc/net/tcp6 (os.ErrNotExist without
// them).
func listeners(port string) ([]net.IP, error) {
	var all []net.IP
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		ips, err := parseListeners(b, port)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		all = append(all, ips...)
	}
	return all, nil
}

// parseListeners reads a /proc/net/tcp or tcp6 table: the local addresses
// of its sockets in state LISTEN (0A) on port.
func parseListeners(table []byte, port string) ([]net.IP, error) {
	p, err := strconv.Atoi(port)
	if err != nil {
		return nil, err
	}
	want := fmt.Sprintf("%04X", p)
	var ips []net.IP
	sc := bufio.NewScanner(bytes.NewReader(table))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || f[3] != "0A" {
			continue
		}
		addr, port, ok := strings.Cut(f[1], ":")
		if !ok || port != want {
			continue
		}
		ip, err := procIP(addr)
		if err != nil {
			return nil, err
		}
		ips = append(ips, ip)
	}
	return ips, sc.Err()
}

// procIP decodes an address of /proc/net/tcp: 32-bit words in hex, each in
// the machine's (little-endian) byte order.
func procIP(s string) (net.IP, error) {
	b, err := hex.DecodeString(s)
	if err != nil || (len(b) != 4 && len(b) != 16) {
		return nil, fmt.Errorf("address %q", s)
	}
	for i := 0; i < len(b); i += 4 {
		b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
	}
	return net.IP(b), nil
}

// lockedBuffer collects a process's output for failure messages.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
