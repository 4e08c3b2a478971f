package examples_test

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/examples/internal/faultproxy"
)

// This file holds the production-weather suite's plumbing: example apps as
// real processes, key endpoints behind fault proxies, and the per-phase
// tallies every scenario reports and checks.

// appProcess is one example app binary running as a real process, configured
// with environment only (the COGNITO_AUTH_* contract).
type appProcess struct {
	t      *testing.T
	bin    string
	env    map[string]string
	port   string
	out    *syncWriter // kept across restarts
	cmd    *exec.Cmd
	cancel context.CancelFunc
}

// startApp runs dir/bin on a free loopback port (or env["PORT"]) with env
// and waits until /health answers. The process is stopped (SIGTERM) when the
// test ends.
func startApp(t *testing.T, dir, bin string, env map[string]string) *appProcess {
	t.Helper()
	a := &appProcess{t: t, bin: filepath.Join(dir, bin), env: maps.Clone(env), out: &syncWriter{}}
	a.env["HOST"] = "127.0.0.1"
	if a.env["PORT"] == "" {
		a.env["PORT"] = freePort(t)
	}
	a.port = a.env["PORT"]
	t.Cleanup(a.stop)
	a.start()
	return a
}

// URL is the app's base URL.
func (a *appProcess) URL() string { return "http://127.0.0.1:" + a.port }

func (a *appProcess) start() {
	a.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, a.bin)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir()}
	for _, k := range slices.Sorted(maps.Keys(a.env)) {
		cmd.Env = append(cmd.Env, k+"="+a.env[k])
	}
	cmd.Stdout, cmd.Stderr = a.out, a.out
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		cancel()
		a.t.Fatal(err)
	}
	a.cmd, a.cancel = cmd, cancel
	waitFor(a.t, a.URL()+"/health", a.out)
}

// stop sends SIGTERM and waits for the process (killed after WaitDelay).
func (a *appProcess) stop() {
	if a.cmd == nil {
		return
	}
	a.cancel()
	_ = a.cmd.Wait()
	a.cmd = nil
}

// restart stops the process and starts it again with the same environment
// and port: every in-memory cache is gone, the secrets are the same.
func (a *appProcess) restart() {
	a.t.Helper()
	a.stop()
	_, _ = fmt.Fprintf(a.out, "----- %s restarted -----\n", filepath.Base(a.bin))
	a.start()
}

// logTail returns the last n lines of the app's output.
func (a *appProcess) logTail(n int) string {
	lines := strings.Split(strings.TrimRight(a.out.String(), "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[… %d earlier lines]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

var refusalLine = regexp.MustCompile(`\bcode=(\S+) reason="((?:[^"\\]|\\.)*)"`)

// refusalCodes counts the refusals the app logged by code and the gist of
// the reason (its last clause), e.g. `unknown_kid "kid not cached and its
// fetch was refused by the unknown-kid rate limit"×4`.
func (a *appProcess) refusalCodes() string {
	counts := map[string]int{}
	for _, m := range refusalLine.FindAllStringSubmatch(a.out.String(), -1) {
		reason := strings.ReplaceAll(m[2], `\"`, `"`)
		if i := strings.LastIndex(reason, ": "); i >= 0 {
			reason = reason[i+2:]
		}
		if len(reason) > 72 {
			reason = reason[:72] + "…"
		}
		counts[m[1]+` "`+reason+`"`]++
	}
	if len(counts) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(counts))
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s×%d", k, counts[k]))
	}
	return strings.Join(parts, "; ")
}

// subtest is a named subtest for concurrently.
type subtest struct {
	name string
	f    func(*testing.T)
}

// concurrently runs the subtests at the same time and waits for them all.
// The scenarios mostly wait (for outages, timeouts and token expiry), so
// they run side by side however small go test's -parallel is (its default,
// GOMAXPROCS, is 2 here): t.Run may be called from several goroutines.
func concurrently(t *testing.T, tests []subtest) {
	var wg sync.WaitGroup
	for _, st := range tests {
		wg.Go(func() { t.Run(st.name, st.f) })
	}
	wg.Wait()
}

// behind starts a fault proxy in front of the origin of rawURL and returns
// it with rawURL rewritten to go through it (same path).
func behind(t *testing.T, rawURL string) (*faultproxy.Proxy, string) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	p, err := faultproxy.New(u.Scheme + "://" + u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p, p.URL() + u.Path
}

// keyServers is a cognitotest Issuer whose ALB key endpoint and JWKS each
// sit behind a fault proxy; the app is pointed at the proxies.
type keyServers struct {
	iss             *ct.Issuer
	alb, jwks       *faultproxy.Proxy
	albURL, jwksURL string
}

func newKeyServers(t *testing.T) *keyServers {
	t.Helper()
	k := &keyServers{iss: ct.Start(t)}
	k.alb, k.albURL = behind(t, k.iss.ALBKeysURL())
	k.jwks, k.jwksURL = behind(t, k.iss.JWKSURL())
	return k
}

// env is the app's environment in ALB mode: the issuer's contract with both
// key URLs through the proxies.
func (k *keyServers) env() map[string]string {
	env := k.iss.Env()
	env[core.EnvALBKeysURL] = k.albURL
	env[core.EnvJWKSURL] = k.jwksURL
	return env
}

// counters are what a scenario counts besides answers: fetch attempts at
// the key proxies (faulted ones included) and token-endpoint calls.
func (k *keyServers) counters() []counter {
	return []counter{{"alb", k.alb.Total}, {"jwks", k.jwks.Total}}
}

// counter is a named monotonic count, read at phase boundaries.
type counter struct {
	name string
	read func() int64
}

// outcome classes of one answer.
const (
	o200   = iota
	oLogin // a redirect to sign in: to a signed-in user, the same as a 401
	o401
	o403
	o503
	oOther
	oErr // no answer (connection error or client timeout)
	nOutcomes
)

var outcomeNames = [nOutcomes]string{"200", "login", "401", "403", "503", "other", "err"}

// tally counts one phase's answers and counter deltas.
type tally struct {
	sent     int
	n        [nOutcomes]int
	noRetry  int // 503s without Retry-After
	deltas   map[string]int64
	examples []string // the first few refusals, for failure messages
}

// weatherLog records a scenario's answers by phase. A page load is filed
// under the phase current when it was sent.
type weatherLog struct {
	name     string
	counters []counter
	phases   []string
	tallies  map[string]*tally
	cur      string
	startAt  map[string]int64
	mu       sync.Mutex
}

func newWeatherLog(name string, counters ...counter) *weatherLog {
	return &weatherLog{name: name, counters: counters, tallies: map[string]*tally{}}
}

func (l *weatherLog) lock()   { l.mu.Lock() }
func (l *weatherLog) unlock() { l.mu.Unlock() }

// phase ends the current phase (its counter deltas are taken now) and
// starts the named one.
func (l *weatherLog) phase(name string) {
	l.lock()
	defer l.unlock()
	l.closePhase()
	l.cur = name
	if _, ok := l.tallies[name]; !ok {
		l.tallies[name] = &tally{deltas: map[string]int64{}}
		l.phases = append(l.phases, name)
	}
	l.startAt = map[string]int64{}
	for _, c := range l.counters {
		l.startAt[c.name] = c.read()
	}
}

func (l *weatherLog) closePhase() {
	if l.cur == "" {
		return
	}
	t := l.tallies[l.cur]
	for _, c := range l.counters {
		t.deltas[c.name] += c.read() - l.startAt[c.name]
	}
}

// finish ends the last phase.
func (l *weatherLog) finish() {
	l.lock()
	defer l.unlock()
	l.closePhase()
	l.cur = ""
}

// current is the phase requests sent now belong to.
func (l *weatherLog) current() string {
	l.lock()
	defer l.unlock()
	return l.cur
}

// add files the answers of one page load under phase.
func (l *weatherLog) add(phase string, answers []answer) {
	l.lock()
	defer l.unlock()
	t := l.tallies[phase]
	for _, a := range answers {
		t.sent++
		o := a.outcome()
		t.n[o]++
		if o == o503 && a.retryAfter == "" {
			t.noRetry++
		}
		if o != o200 && len(t.examples) < 4 {
			t.examples = append(t.examples, a.String())
		}
	}
}

// table renders the tallies, one row per phase.
func (l *weatherLog) table() string {
	l.lock()
	defer l.unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "%-10s %5s", "phase", "sent")
	for _, n := range outcomeNames {
		fmt.Fprintf(&b, " %5s", n)
	}
	fmt.Fprintf(&b, " %5s |", "noRA")
	for _, c := range l.counters {
		fmt.Fprintf(&b, " %7s", c.name)
	}
	b.WriteString("\n")
	for _, p := range l.phases {
		t := l.tallies[p]
		fmt.Fprintf(&b, "%-10s %5d", p, t.sent)
		for _, n := range t.n {
			fmt.Fprintf(&b, " %5d", n)
		}
		fmt.Fprintf(&b, " %5d |", t.noRetry)
		for _, c := range l.counters {
			fmt.Fprintf(&b, " %7d", t.deltas[c.name])
		}
		b.WriteString("\n")
	}
	return b.String()
}

// faultPhases are the phases in which a 503 (with Retry-After) is allowed:
// while a dependency is down, and the short backoff after it recovers.
var faultPhases = map[string]bool{"during": true, "grace": true}

// bound limits a counter in one phase ("*": the whole scenario).
type bound struct {
	counter, phase string
	min, max       int64
	why            string
}

// atMost is a bound with no minimum.
func atMost(counter, phase string, max int64, why string) bound {
	return bound{counter: counter, phase: phase, min: 0, max: max, why: why}
}

// problems applies the rules to the tallies: a valid user's 401, 403 or
// sign-in redirect is always wrong; a 503 only in a fault phase and with
// Retry-After; anything else that is not 200 is wrong; counters stay within
// their bounds.
func (l *weatherLog) problems(bounds []bound) []string {
	l.lock()
	defer l.unlock()
	var out []string
	for _, p := range l.phases {
		t := l.tallies[p]
		if bad := t.n[o401] + t.n[o403] + t.n[oLogin]; bad > 0 {
			out = append(out, fmt.Sprintf("phase %s: %d of %d answers refused a valid user as a bad sign-in (401 %d, 403 %d, sign-in redirect %d)",
				p, bad, t.sent, t.n[o401], t.n[o403], t.n[oLogin]))
		}
		if t.n[o503] > 0 && !faultPhases[p] {
			out = append(out, fmt.Sprintf("phase %s: %d answers were 503 with no fault in force", p, t.n[o503]))
		}
		if t.noRetry > 0 {
			out = append(out, fmt.Sprintf("phase %s: %d of %d 503s had no Retry-After", p, t.noRetry, t.n[o503]))
		}
		if bad := t.n[oOther] + t.n[oErr]; bad > 0 {
			out = append(out, fmt.Sprintf("phase %s: %d answers were neither 200 nor 503 (other %d, no answer %d)", p, bad, t.n[oOther], t.n[oErr]))
		}
		if len(t.examples) > 0 && len(out) > 0 {
			out = append(out, fmt.Sprintf("  phase %s, first refusals: %s", p, strings.Join(t.examples, "; ")))
		}
	}
	for _, b := range bounds {
		got := l.delta(b.counter, b.phase)
		if got < b.min || got > b.max {
			out = append(out, fmt.Sprintf("%s in phase %s: %d, want %d..%d (%s)", b.counter, b.phase, got, b.min, b.max, b.why))
		}
	}
	return out
}

// pageLoads is how many page loads were sent in phase.
func (l *weatherLog) pageLoads(phase string) int64 {
	l.lock()
	defer l.unlock()
	if t := l.tallies[phase]; t != nil {
		return int64(t.sent / len(pageParts))
	}
	return 0
}

// delta sums a counter's change over phase ("*": all phases).
func (l *weatherLog) delta(counter, phase string) int64 {
	var n int64
	for p, t := range l.tallies {
		if phase == "*" || p == phase {
			n += t.deltas[counter]
		}
	}
	return n
}

// report logs the scenario's table and fails the test with a readable
// message when a rule or bound is broken: the scenario, the phases, the
// counts, the refusal codes the apps logged and the tail of their logs.
func (l *weatherLog) report(t *testing.T, bounds []bound, apps ...*appProcess) {
	t.Helper()
	l.finish()
	table := l.table()
	var codes []string
	for _, a := range apps {
		codes = append(codes, "\n  "+filepath.Base(a.bin)+":"+a.port+": "+a.refusalCodes())
	}
	t.Logf("scenario %s\n%sapp refusals:%s", l.name, table, strings.Join(codes, ""))
	probs := l.problems(bounds)
	if len(probs) == 0 {
		return
	}
	var tails strings.Builder
	for _, a := range apps {
		fmt.Fprintf(&tails, "--- %s on :%s, last lines:\n%s\n", filepath.Base(a.bin), a.port, a.logTail(25))
	}
	t.Errorf("scenario %s failed:\n%s\n%sapp refusals:%s\n%s", l.name, strings.Join(probs, "\n"), table, strings.Join(codes, ""), tails.String())
}
