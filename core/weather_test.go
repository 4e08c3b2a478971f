package core_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// keyGate serves an issuer's key endpoints (ALB keys and JWKS) through a
// switch per endpoint: pass the request on, answer with a status, or pass it
// on after a delay. It is the key server having a bad day.
type keyGate struct {
	*httptest.Server
	albStatus  atomic.Int64 // 0: pass ALB key requests on; else the status to answer
	jwksStatus atomic.Int64 // the same for the JWKS
	delay      atomic.Int64 // nanoseconds to wait before passing on
	all        atomic.Int64 // every request the gate answered
	alb        atomic.Int64 // requests for ALB keys that reached the issuer
	jwks       atomic.Int64 // requests for the JWKS that reached the issuer
}

func newKeyGate(t *testing.T, iss *ct.Issuer) *keyGate {
	t.Helper()
	g := &keyGate{}
	keys := iss.KeysHandler()
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.all.Add(1)
		alb := strings.HasPrefix(r.URL.Path, "/alb-keys/")
		status := &g.jwksStatus
		if alb {
			status = &g.albStatus
		}
		if s := status.Load(); s != 0 {
			http.Error(w, "key server having a bad day", int(s))
			return
		}
		if d := g.delay.Load(); d != 0 {
			time.Sleep(time.Duration(d))
		}
		if alb {
			g.alb.Add(1)
		} else {
			g.jwks.Add(1)
		}
		keys.ServeHTTP(w, r)
	}))
	t.Cleanup(g.Close)
	return g
}

// options point a BaseAuth at the gate instead of the issuer.
func (g *keyGate) options() []core.Option {
	return []core.Option{core.WithALBKeysURL(g.URL + "/alb-keys"), core.WithJWKSURL(g.URL + "/.well-known/jwks.json")}
}

// tally counts answers by status, and 503s without Retry-After apart.
type tally struct {
	mu           sync.Mutex
	byStatus     map[int]int
	codes        map[string]int
	noRetryAfter int
}

func newTally() *tally { return &tally{byStatus: map[int]int{}, codes: map[string]int{}} }

func (c *tally) add(status int, code string, retryAfter bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byStatus[status]++
	if code != "" {
		c.codes[code]++
	}
	if status == http.StatusServiceUnavailable && !retryAfter {
		c.noRetryAfter++
	}
}

func (c *tally) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var parts []string
	for s, n := range c.byStatus {
		parts = append(parts, fmt.Sprintf("%d×%d", n, s))
	}
	for code, n := range c.codes {
		parts = append(parts, fmt.Sprintf("%s×%d", code, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// only reports whether every answer had the given status.
func (c *tally) only(status int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byStatus) == 1 && c.byStatus[status] > 0
}

// pageLoad sends what a browser sends for one page: six parallel requests
// with the same credentials. Each answer is counted in c.
func pageLoad(t *testing.T, srv *httptest.Server, h http.Header, c *tally) {
	t.Helper()
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/", nil)
			for k, v := range h {
				req.Header[k] = v
			}
			req.Header.Set("Accept", "application/json")
			resp, err := srv.Client().Do(req)
			if err != nil {
				c.add(0, "transport error", false)
				return
			}
			_ = resp.Body.Close()
			c.add(resp.StatusCode, resp.Header.Get("X-Test-Code"), resp.Header.Get("Retry-After") != "")
		}()
	}
	wg.Wait()
}

// users mints one fresh header set per user.
func users(iss *ct.Issuer, n int) []http.Header {
	out := make([]http.Header, n)
	for i := range out {
		out[i] = iss.Mint(ct.User{Email: fmt.Sprintf("user%d@example.com", i)}).Header()
	}
	return out
}

// loadAll runs one page load per user, all users at once.
func loadAll(t *testing.T, srv *httptest.Server, hs []http.Header, c *tally) {
	t.Helper()
	var wg sync.WaitGroup
	for _, h := range hs {
		wg.Add(1)
		go func() { defer wg.Done(); pageLoad(t, srv, h, c) }()
	}
	wg.Wait()
}

// TestColdStartUnderParallelLoad: right after start-up (empty caches), while
// the key server takes a moment, twenty users each load a page (six
// parallel requests). Every request is let in, and the ALB key and the JWKS
// are fetched once: requests waiting on a fetch another request started are
// not charged against anyone's budget. (Before: one user's six requests
// answered 200 401 401 401 401 200.)
func TestColdStartUnderParallelLoad(t *testing.T) {
	iss := ct.Start(t)
	gate := newKeyGate(t, iss)
	gate.delay.Store(int64(200 * time.Millisecond))
	a, logs := newAuth(t, iss, gate.options()...)
	srv := protected(t, a)
	c := newTally()
	loadAll(t, srv, users(iss, 20), c)
	t.Logf("cold start, 20 users × 6: %s; ALB key fetches %d, JWKS fetches %d", c, gate.alb.Load(), gate.jwks.Load())
	if !c.only(http.StatusOK) {
		t.Fatalf("cold start refused valid users: %s\n%s", c, logs)
	}
	if n := gate.alb.Load(); n != 1 {
		t.Fatalf("%d ALB key fetches for one kid", n)
	}
	if n := gate.jwks.Load(); n > 2 { // the background refresh and the first request may not meet
		t.Fatalf("%d JWKS fetches at start-up", n)
	}
}

// TestALBKeyOutageIsNeverABadSignIn: while the ALB key endpoint answers 500,
// ten users loading pages get 503 with Retry-After (never 401), the endpoint
// is asked at most about once a second, and once it recovers those users and
// an eleventh are let in at once: the outage spent nobody's budget.
// (Before: 503, 503, then 401 unknown_kid for a minute, and the eleventh
// user refused after recovery.)
func TestALBKeyOutageIsNeverABadSignIn(t *testing.T) {
	iss := ct.Start(t)
	gate := newKeyGate(t, iss)
	a, logs := newAuth(t, iss, gate.options()...)
	srv := protected(t, a)
	hs := users(iss, 11)
	gate.albStatus.Store(http.StatusInternalServerError)
	during := newTally()
	start := time.Now()
	for range 4 {
		loadAll(t, srv, hs[:10], during)
		time.Sleep(300 * time.Millisecond)
	}
	outage := time.Since(start)
	asked := gate.all.Load() - gate.jwks.Load() - gate.alb.Load()
	t.Logf("ALB keys down for %v: %s; requests to the failing key server: %d", outage.Round(time.Millisecond), during, asked)
	if asked > 6 {
		t.Fatalf("the failing key server was asked %d times in %v; the backoff allows about one a second", asked, outage)
	}
	if !during.only(http.StatusServiceUnavailable) || during.noRetryAfter != 0 {
		t.Fatalf("during the outage: %s (%d without Retry-After); want only 503 with Retry-After\n%s", during, during.noRetryAfter, logs)
	}
	gate.albStatus.Store(0)
	time.Sleep(1100 * time.Millisecond) // the longest backoff
	after := newTally()
	loadAll(t, srv, hs, after)
	if !after.only(http.StatusOK) {
		t.Fatalf("after recovery: %s; want every user let in\n%s", after, logs)
	}
	if n := gate.alb.Load(); n != 1 {
		t.Fatalf("%d ALB key fetches after recovery for one kid", n)
	}
}

// TestJWKSOutageAtRotation: Cognito rotates its signing key while the JWKS
// endpoint is down. Tokens signed with the new key get 503 (the last good
// set still serves the old key's tokens), and they are accepted about a
// second after the endpoint recovers, not after the refresh interval.
// (Before: 401 unknown_kid for up to a minute after the JWKS was back.)
func TestJWKSOutageAtRotation(t *testing.T) {
	iss := ct.Start(t)
	gate := newKeyGate(t, iss)
	a, logs := newAuth(t, iss, gate.options()...)
	srv := protected(t, a)
	old := iss.Mint(staff).Header()
	if status, code, _ := get(t, srv, old); status != http.StatusOK {
		t.Fatalf("before the rotation: %d %s", status, code)
	}
	if _, err := iss.RotateRSAKey(); err != nil {
		t.Fatal(err)
	}
	gate.jwksStatus.Store(http.StatusBadGateway)
	during := newTally()
	for range 3 {
		loadAll(t, srv, users(iss, 5), during)
		time.Sleep(200 * time.Millisecond)
	}
	if !during.only(http.StatusServiceUnavailable) || during.noRetryAfter != 0 {
		t.Fatalf("new tokens during the JWKS outage: %s; want only 503 with Retry-After\n%s", during, logs)
	}
	if status, code, _ := get(t, srv, old); status != http.StatusOK {
		t.Fatalf("a token of the last good set during the outage: %d %s", status, code)
	}
	gate.jwksStatus.Store(0)
	time.Sleep(1100 * time.Millisecond)
	after := newTally()
	loadAll(t, srv, users(iss, 5), after)
	if !after.only(http.StatusOK) {
		t.Fatalf("after the JWKS recovered: %s\n%s", after, logs)
	}
}

// TestLatePublishedALBKeyIsRefusedBriefly: a kid the key endpoint does not
// have yet (404) is unknown (401), and remembered for seconds, not minutes:
// once the key is published it is accepted within the negative-cache time.
// (Before: five minutes.)
func TestLatePublishedALBKeyIsRefusedBriefly(t *testing.T) {
	iss := ct.Start(t)
	gate := newKeyGate(t, iss)
	var offset atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	a, _ := newAuth(t, iss, append(gate.options(), core.WithClock(clock))...)
	srv := protected(t, a)
	gate.albStatus.Store(http.StatusNotFound) // the new key is not published yet
	h := iss.Mint(staff).Header()
	if status, code, _ := get(t, srv, h); status != http.StatusUnauthorized || code != string(core.CodeUnknownKid) {
		t.Fatalf("kid the endpoint does not have: %d %s; want 401 unknown_kid", status, code)
	}
	gate.albStatus.Store(0) // published
	offset.Store(int64(11 * time.Second))
	if status, code, _ := get(t, srv, iss.Mint(staff, ct.At(clock())).Header()); status != http.StatusOK {
		t.Fatalf("11 s after the key was published: %d %s", status, code)
	}
}

// TestFloodAndRotationTogether: while one pool user floods the app with
// random ALB kids (each answered 401 unknown_kid), the ALB key rotates and
// twenty other users load pages at the same moment: all of them are let
// in, the flood costs the key server at most its user's budget, and the
// rotation one fetch.
func TestFloodAndRotationTogether(t *testing.T) {
	iss := ct.Start(t)
	gate := newKeyGate(t, iss)
	a, logs := newAuth(t, iss, gate.options()...)
	srv := protected(t, a)
	if status, _, _ := get(t, srv, iss.Mint(staff).Header()); status != http.StatusOK {
		t.Fatal("warm-up refused")
	}
	if _, err := iss.RotateALBKey(); err != nil {
		t.Fatal(err)
	}
	flooder := iss.Mint(ct.User{Email: "flood@example.com"})
	flood := newTally()
	others := newTally()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for range 100 {
			h := flooder.Header()
			h.Set(core.HeaderData, reheader(flooder.Data, `{"typ":"JWT","alg":"ES256","kid":"`+ct.NewUUID()+
				`","signer":"`+iss.ALBARN()+`","iss":"`+iss.IssuerURL()+`","client":"`+iss.ClientID()+
				`","exp":`+itoa(time.Now().Add(time.Hour).Unix())+`}`, true))
			status, code, _ := get(t, srv, h)
			flood.add(status, code, false)
		}
	}()
	go func() { defer wg.Done(); loadAll(t, srv, users(iss, 20), others) }()
	wg.Wait()
	t.Logf("flood: %s; others: %s; ALB key fetches %d", flood, others, gate.alb.Load())
	if !others.only(http.StatusOK) {
		t.Fatalf("during one user's flood, a rotation refused others: %s\n%s", others, logs)
	}
	if flood.byStatus[http.StatusOK] != 0 || flood.byStatus[http.StatusUnauthorized] != 100 {
		t.Fatalf("flood answers: %s; want 100 × 401", flood)
	}
	if n := gate.alb.Load(); n > 4 { // the warm-up key, the rotated key, the flooder's budget of 2
		t.Fatalf("%d ALB key fetches: the flood may spend only its user's budget", n)
	}
}
