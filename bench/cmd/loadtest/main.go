// Command loadtest puts each example app under a closed-loop HTTP load on
// loopback and reports throughput and latency percentiles for the same
// handler unprotected (/health, bypassed) and protected (/ping), with a warm
// token and with a stream of unique tokens. Every request carries the ALB
// headers, as behind a real load balancer, so the comparison isolates the
// middleware.
//
//	loadtest -bin DIR -out load.json
//
// DIR holds the example binaries (nethttp, gin, echo, fiber, chi). Each phase
// is bounded in requests and in time; traffic goes to 127.0.0.1 only.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// Result is one phase against one app.
type Result struct {
	Framework string  `json:"framework"`
	Phase     string  `json:"phase"`
	Requests  int     `json:"requests"`
	Errors    int     `json:"errors"`
	Seconds   float64 `json:"seconds"`
	RPS       float64 `json:"rps"`
	P50ms     float64 `json:"p50_ms"`
	P90ms     float64 `json:"p90_ms"`
	P99ms     float64 `json:"p99_ms"`
	MaxMs     float64 `json:"max_ms"`
}

func main() {
	bin := flag.String("bin", "", "directory of example binaries")
	out := flag.String("out", "load.json", "results file")
	dur := flag.Duration("duration", 3*time.Second, "time limit per phase")
	maxReq := flag.Int("requests", 200000, "request limit per phase")
	conc := flag.Int("concurrency", 16, "closed-loop workers")
	unique := flag.Int("unique", 3000, "unique header sets for the unique-token phase (each used once)")
	fws := flag.String("frameworks", "nethttp,gin,echo,fiber,chi,echov5,fiberv3", "apps to test")
	flag.Parse()
	if err := run(*bin, *out, *dur, *maxReq, *conc, *unique, *fws); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(bin, out string, dur time.Duration, maxReq, conc, unique int, fws string) error {
	if bin == "" {
		return errors.New("-bin is required")
	}
	iss, err := ct.New()
	if err != nil {
		return err
	}
	defer iss.Close()
	user := ct.User{Email: "load@example.com", Groups: []string{"staff"}}
	warm := iss.Mint(user).Header()
	fmt.Fprintf(os.Stderr, "minting %d unique header sets...\n", unique)
	pool := make([]http.Header, unique)
	for i := range pool {
		pool[i] = iss.Mint(user).Header()
	}
	var results []Result
	for _, fw := range splitComma(fws) {
		rs, err := loadApp(filepath.Join(bin, fw), fw, iss, warm, pool, dur, maxReq, conc)
		if err != nil {
			return fmt.Errorf("%s: %w", fw, err)
		}
		results = append(results, rs...)
	}
	b, _ := json.MarshalIndent(results, "", "  ")
	return os.WriteFile(out, append(b, '\n'), 0o600)
}

func loadApp(path, fw string, iss *ct.Issuer, warm http.Header, pool []http.Header, dur time.Duration, maxReq, conc int) ([]Result, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, path)
	cmd.Env = append(os.Environ(), "HOST=127.0.0.1", "PORT="+port)
	for k, v := range iss.Env() {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() { cancel(); _ = cmd.Wait() }()
	base := "http://127.0.0.1:" + port
	if err := waitReady(base + "/health"); err != nil {
		return nil, fmt.Errorf("%w; output:\n%s", err, logs.String())
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxIdleConns: conc}}
	defer client.CloseIdleConnections()
	// Warm up keys, caches and connections.
	_ = load(client, base+"/ping", func(int) http.Header { return warm }, time.Second, 2000, conc)

	phases := []struct {
		name    string
		path    string
		headers func(int) http.Header
		maxReq  int
	}{
		// Behind an ALB every request carries the ALB headers, protected
		// route or not: send them to both, so only the middleware differs.
		{"unprotected", "/health", func(int) http.Header { return warm }, maxReq},
		{"protected, warm token", "/ping", func(int) http.Header { return warm }, maxReq},
		{"protected, unique tokens", "/ping", func(i int) http.Header { return pool[i] }, len(pool)},
	}
	var out []Result
	for _, ph := range phases {
		r := load(client, base+ph.path, ph.headers, dur, ph.maxReq, conc)
		r.Framework, r.Phase = fw, ph.name
		if r.Errors > 0 {
			return nil, fmt.Errorf("%s: %d of %d requests failed", ph.name, r.Errors, r.Requests)
		}
		fmt.Fprintf(os.Stderr, "%-8s %-26s %7.0f req/s  p50 %.2f ms  p99 %.2f ms\n", fw, ph.name, r.RPS, r.P50ms, r.P99ms)
		out = append(out, r)
	}
	return out, nil
}

// load runs a closed loop: conc workers each send the next request as soon as
// the previous one answered, until maxReq requests or dur elapse.
func load(client *http.Client, url string, headers func(int) http.Header, dur time.Duration, maxReq, conc int) Result {
	var next, errs atomic.Int64
	deadline := time.Now().Add(dur)
	lat := make([][]time.Duration, conc)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				i := int(next.Add(1)) - 1
				if i >= maxReq {
					return
				}
				req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
				if h := headers(i); h != nil {
					req.Header = h.Clone()
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				lat[w] = append(lat[w], time.Since(t0))
				if resp.StatusCode != http.StatusOK {
					errs.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	return Result{
		Requests: len(all), Errors: int(errs.Load()), Seconds: elapsed.Seconds(),
		RPS: float64(len(all)) / elapsed.Seconds(), P50ms: pct(0.50), P90ms: pct(0.90), P99ms: pct(0.99), MaxMs: pct(1),
	}
}

func waitReady(url string) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("app did not start")
}

func freePort() (string, error) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = ln.Close() }()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	return port, err
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

// syncBuffer collects a process's output.
type syncBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b = append(s.b, p...)
	return len(p), nil
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.b)
}
