package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// captureEnvFile is the file in a -capture directory that holds the
// environment cognito-local gives the app, so that cognito-auth explain
// runs with the app's configuration.
const captureEnvFile = "cognito-local.env"

// captureExt ends the name of every captured request.
const captureExt = ".http"

// captures writes each request the app receives to a directory, one file
// per request, as raw HTTP request text (request line and headers, no
// body): what cognito-auth explain reads. The request is written as it
// leaves for the app — after the x-amzn-oidc-* headers are added and the
// reverse proxy has added its own (X-Forwarded-For) and the transport its
// own (User-Agent, Accept-Encoding) — so a capture is exactly what the app
// is given.
type captures struct {
	dir  string
	errs io.Writer // where a capture that cannot be written is reported

	mu   sync.Mutex
	next int // the number of the next capture
}

// openCaptures creates dir (owner only: captures hold live tokens) and
// numbers new captures after those already there, so a restart never
// overwrites one.
func openCaptures(dir string, errs io.Writer) (*captures, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("-capture: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("-capture: %w", err)
	}
	c := &captures{dir: dir, errs: errs, next: 1}
	for _, e := range entries {
		num, _, _ := strings.Cut(e.Name(), "-")
		if n, err := strconv.Atoi(num); err == nil && n >= c.next {
			c.next = n + 1
		}
	}
	return c, nil
}

// writeEnv writes the app's COGNITO_AUTH_* environment as shell export
// lines.
func (c *captures) writeEnv(env map[string]string) error {
	keys := make([]string, 0, len(env))
	for k := range env {
		if strings.HasPrefix(k, "COGNITO_AUTH_") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	dir := shellQuote(c.dir)
	var b strings.Builder
	b.WriteString("# The COGNITO_AUTH_* environment cognito-local gives the app, for cognito-auth explain:\n" +
		"#   ( . " + dir + "/" + captureEnvFile + " && cognito-auth explain " + dir + "/000001-GET.http )\n" +
		"# Its key URLs answer while this cognito-local runs.\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "export %s=%s\n", k, shellQuote(env[k]))
	}
	return os.WriteFile(filepath.Join(c.dir, captureEnvFile), []byte(b.String()), 0o600)
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// write saves r as it is about to be sent to the app. A failure is
// reported and the request still forwarded.
func (c *captures) write(r *http.Request) {
	dump, err := httputil.DumpRequestOut(r, false)
	if err != nil {
		fmt.Fprintf(c.errs, "cognito-local: -capture: %s %s: %v\n", r.Method, r.URL.Path, err)
		return
	}
	c.mu.Lock()
	n := c.next
	c.next++
	c.mu.Unlock()
	name := captureName(n, r.Method, r.URL.Path)
	if err := os.WriteFile(filepath.Join(c.dir, name), dump, 0o600); err != nil {
		fmt.Fprintf(c.errs, "cognito-local: -capture: %v\n", err)
	}
}

// captureName names capture n: its number (zero-padded, so the names sort
// in order), the method and the path, e.g. 000007-GET-api_orders.http.
func captureName(n int, method, path string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%06d-%s", n, fileSafe(method, 10))
	if p := fileSafe(strings.Trim(path, "/"), 48); p != "" {
		b.WriteString("-" + p)
	}
	return b.String() + captureExt
}

// fileSafe keeps letters, digits, '.', '-' and '_' of s (others become
// '_'), at most limit bytes, and never a leading '.'.
func fileSafe(s string, limit int) string {
	out := []byte(s)
	if len(out) > limit {
		out = out[:limit]
	}
	for i, c := range out {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		case c == '.' && i > 0:
		default:
			out[i] = '_'
		}
	}
	return string(out)
}

// captureTransport captures each request on its way to the app.
type captureTransport struct {
	next http.RoundTripper
	c    *captures
}

func (t captureTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.c.write(r)
	return t.next.RoundTrip(r)
}
