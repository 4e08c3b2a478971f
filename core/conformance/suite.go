package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
)

// Driver builds the standard app with one adapter, serves it on loopback
// (a real HTTP server) and returns its base URL. It must stop the server
// when the test ends (t.Cleanup).
type Driver func(t *testing.T, app App) (baseURL string)

// Users of the scenarios.
var (
	Staff  = ct.User{Email: "alice@example.com", Groups: []string{"staff"}}
	Admin  = ct.User{Email: "root@example.com", Groups: []string{"staff", "admins"}}
	Owner  = ct.User{Email: "owner@example.com"} // app admin by policy, no groups
	Guest  = ct.User{Email: "eve@example.com", Groups: []string{"guests"}}
	policy = core.Policy{AllowedGroups: []string{"staff", "admins"}, AdminUsers: []string{"owner@example.com"}}
)

// RedirectURL is where the redirect variant sends refused browsers.
const RedirectURL = "https://login.example.com/denied"

// variant selects how the BaseAuth under test is built.
type variant int

const (
	plain variant = iota
	withRedirect
	devMode
	customErrors
	planted
	pools // two pools and a replica region
)

// SecondPool is the second user pool of the pools variant; its users'
// tokens are minted by the same test issuer with this pool's issuer.
const SecondPool = "eu-west-2_SecondPool1"

// Bob is a user of SecondPool, with that pool's own groups.
var Bob = ct.User{Email: "bob@second.example", Groups: []string{"staff", "second-team"}}

// issuerOf returns the issuer of the scenario's pool in the given format.
func issuerOf(iss *ct.Issuer, kind string) string {
	pool := iss.UserPoolID()
	region, _, _ := strings.Cut(pool, "_")
	switch kind {
	case "updated":
		return awsurl.UpdatedIssuer(pool)
	case "replica":
		return awsurl.OriginalIssuer("eu-west-1", pool)
	case "other-region":
		return awsurl.OriginalIssuer("us-east-1", pool)
	case "trailing-slash":
		return awsurl.OriginalIssuer(region, pool) + "/"
	case "http":
		return strings.Replace(awsurl.OriginalIssuer(region, pool), "https://", "http://", 1)
	case "second":
		return awsurl.OriginalIssuer("eu-west-2", SecondPool)
	}
	return awsurl.OriginalIssuer(region, pool)
}

// asIssuer mints for u with the issuer of the given kind.
func asIssuer(u ct.User, kind string) func(*ct.Issuer) http.Header {
	return func(iss *ct.Issuer) http.Header { return iss.Mint(u, ct.WithIssuer(issuerOf(iss, kind))).Header() }
}

// mixedPools is a data token of the first pool with an access token (and
// identity) of the second.
func mixedPools(iss *ct.Issuer) http.Header {
	second := iss.Mint(Bob, ct.WithIssuer(issuerOf(iss, "second")))
	first := iss.Mint(ct.User{Sub: second.Identity, Email: Bob.Email})
	h := second.Header()
	h.Set(core.HeaderData, first.Data)
	return h
}

// PlantedAdmin is the user the planted variant's outer middleware puts in
// the request context; no adapter may let it in.
var PlantedAdmin = core.MockUser("planted@example.com", "staff", "admins")

// Scenario is one row of the table.
type Scenario struct {
	Name    string
	variant variant
	Method  string
	Path    string
	Accept  string
	// Headers builds the request's authentication headers.
	Headers func(iss *ct.Issuer) http.Header
	// SameOrigin sets the Origin header to the app's own origin.
	SameOrigin bool
	// Expectations.
	Status   int
	Body     string // substring of the body
	Location string
	Check    func(t *testing.T, body []byte)
}

func as(u ct.User, opts ...ct.TokenOption) func(*ct.Issuer) http.Header {
	return func(iss *ct.Issuer) http.Header { return iss.Mint(u, opts...).Header() }
}

func none(*ct.Issuer) http.Header { return http.Header{} }

// upgrade is a WebSocket upgrade request from origin (none when empty) with
// a valid user's headers.
func upgrade(origin string) func(*ct.Issuer) http.Header {
	return func(iss *ct.Issuer) http.Header {
		h := iss.Mint(Staff).Header()
		h.Set("Connection", "Upgrade")
		h.Set("Upgrade", "websocket")
		h.Set("Sec-WebSocket-Version", "13")
		h.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
		if origin != "" {
			h.Set("Origin", origin)
		}
		return h
	}
}

// meCheck decodes /api/me and hands it to check.
func meCheck(check func(t *testing.T, me Me)) func(t *testing.T, body []byte) {
	return func(t *testing.T, b []byte) {
		t.Helper()
		var me Me
		if err := json.Unmarshal(b, &me); err != nil {
			t.Fatalf("body %s: %v", b, err)
		}
		check(t, me)
	}
}

// Big is a user with 100 groups, as real pools have.
var Big = ct.User{Email: "big@example.com", Groups: bigGroups()}

func bigGroups() []string {
	g := []string{"staff"}
	for i := 1; len(g) < 100; i++ {
		g = append(g, fmt.Sprintf("team-%03d-readers", i))
	}
	return g
}

// realistic is what a browser sends behind a real ALB: the two ~4 KB
// AWSELBAuthSessionCookie shards, the usual browser headers and the ALB's
// headers, with a data token of about 10 KB (many user attributes).
func realistic(iss *ct.Issuer) http.Header {
	h := iss.Mint(Big, ct.WithDataClaim("custom:profile", strings.Repeat("x", 7000)),
		ct.WithDataClaim("picture", "https://example.com/"+strings.Repeat("p", 500))).Header()
	shard := strings.Repeat("A", 4000)
	h.Set("Cookie", "AWSELBAuthSessionCookie-0="+shard+"; AWSELBAuthSessionCookie-1="+shard+"; _ga=GA1.1.123456789.1700000000")
	h.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
	h.Set("Accept-Language", "en-GB,en;q=0.9")
	h.Set("X-Amzn-Trace-Id", "Root=1-67891233-abcdef012345678912345678")
	h.Set("X-Forwarded-For", "203.0.113.7")
	h.Set("X-Forwarded-Proto", "https")
	h.Set("X-Forwarded-Port", "443")
	return h
}

const (
	jsonAccept = "application/json"
	htmlAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
)

// Scenarios returns the conformance table.
func Scenarios() []Scenario {
	otherSigner := "arn:aws:elasticloadbalancing:eu-west-2:999999999999:loadbalancer/app/evil/0123456789abcdef"
	accessEnds := time.Now().Add(17 * time.Minute).Unix()
	return []Scenario{
		{Name: "valid user, home", Path: PathHome, Headers: as(Staff), Status: 200, Body: "hello alice@example.com"},
		{Name: "valid user, /api/me", Path: PathMe, Accept: jsonAccept, Headers: as(Staff), Status: 200, Check: meCheck(func(t *testing.T, me Me) {
			if me.Email != Staff.Email || !slices.Equal(me.Groups, Staff.Groups) || me.AppAdmin || me.ContextEmail != Staff.Email {
				t.Fatalf("me = %+v: the adapter must store the user in its framework's place and in the request context", me)
			}
		})},
		{Name: "handler context ends with the credential", Path: PathMe, Accept: jsonAccept, Headers: as(Staff, ct.WithAccessClaim("exp", accessEnds)), Status: 200, Check: meCheck(func(t *testing.T, me Me) {
			if me.ContextEnds != accessEnds {
				t.Fatalf("handler context deadline %d, want the access token's expiry %d: a long-lived handler must end with the credential", me.ContextEnds, accessEnds)
			}
		})},
		{Name: "WebSocket upgrade from another site", Path: PathMe, Accept: jsonAccept, Headers: upgrade("https://evil.example"), Status: 403, Body: `"error":"forbidden"`},
		{Name: "WebSocket upgrade from another site, its code", variant: customErrors, Path: PathMe, Headers: upgrade("https://evil.example"), Status: CustomStatus, Body: "custom:cross_origin"},
		{Name: "WebSocket upgrade with Origin null", variant: customErrors, Path: PathMe, Headers: upgrade("null"), Status: CustomStatus, Body: "custom:cross_origin"},
		{Name: "WebSocket upgrade from the app's origin", Path: PathMe, Accept: jsonAccept, Headers: upgrade(""), SameOrigin: true, Status: 200, Body: Staff.Email},
		{Name: "WebSocket upgrade from another site, bypassed path", Path: PathHealth, Headers: upgrade("https://evil.example"), Status: 200, Body: "ok"},
		{Name: "POST as API client", Method: http.MethodPost, Path: PathHome, Accept: jsonAccept, Headers: none, Status: 401, Body: `"error":"unauthorized"`},
		{Name: "missing headers, API client", Path: PathMe, Accept: jsonAccept, Headers: none, Status: 401, Body: `"error":"unauthorized"`},
		{Name: "missing headers, browser", Path: PathHome, Accept: htmlAccept, Headers: none, Status: 401, Body: "<html"},
		{Name: "missing headers, browser, redirect", variant: withRedirect, Path: PathHome, Accept: htmlAccept, Headers: none, Status: 302, Location: RedirectURL},
		{Name: "missing headers, API, redirect configured", variant: withRedirect, Path: PathMe, Accept: jsonAccept, Headers: none, Status: 401},
		{Name: "expired token", Path: PathMe, Accept: jsonAccept, Headers: as(Staff, ct.Expired()), Status: 401, Body: "invalid_token"},
		{Name: "other signer", Path: PathMe, Accept: jsonAccept, Headers: as(Staff, ct.WithSigner(otherSigner)), Status: 401},
		{Name: "other pool", Path: PathMe, Accept: jsonAccept, Headers: as(Staff, ct.WithIssuer("https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Other")), Status: 401},
		{Name: "other client", Path: PathMe, Accept: jsonAccept, Headers: as(Staff, ct.WithClient("someotherclient")), Status: 401},
		{Name: "id token as access token", Path: PathMe, Accept: jsonAccept, Headers: as(Staff, ct.WithTokenUse("id")), Status: 401},
		{Name: "tampered data token", Path: PathMe, Accept: jsonAccept, Headers: as(Staff, ct.TamperedData()), Status: 401},
		{Name: "tampered access token", Path: PathMe, Accept: jsonAccept, Headers: as(Staff, ct.TamperedAccess()), Status: 401},
		{Name: "unpadded data token", Path: PathMe, Accept: jsonAccept, Headers: as(Staff, ct.Unpadded()), Status: 401},
		{Name: "alg none", Path: PathMe, Accept: jsonAccept, Headers: as(Staff, ct.WithDataHeader("alg", "none")), Status: 401},
		{Name: "identity of someone else", Path: PathMe, Accept: jsonAccept, Headers: as(Staff, ct.WithIdentity(ct.NewUUID())), Status: 401},
		{Name: "duplicate data header", Path: PathMe, Accept: jsonAccept, Headers: func(iss *ct.Issuer) http.Header {
			h := iss.Mint(Staff).Header()
			h.Add(core.HeaderData, iss.Mint(Admin).Data)
			return h
		}, Status: 401},
		{Name: "forbidden user, API", Path: PathMe, Accept: jsonAccept, Headers: as(Guest), Status: 403, Body: `"error":"forbidden"`},
		{Name: "forbidden user, browser: who is signed in, the way back", Path: PathHome, Accept: htmlAccept, Headers: as(Guest), Status: 403, Body: "<html", Check: func(t *testing.T, b []byte) {
			t.Helper()
			for _, want := range []string{`id="signed-in-as">Signed in as <strong>` + Guest.Email + `</strong>`, `id="` + core.LinkStart + `" href="/">Back to the start</a>`} {
				if !strings.Contains(string(b), want) {
					t.Errorf("the 403 page lacks %s:\n%s", want, b)
				}
			}
		}},
		{Name: "forbidden user, browser, redirect", variant: withRedirect, Path: PathHome, Accept: htmlAccept, Headers: as(Guest), Status: 302, Location: RedirectURL},
		{Name: "admin route, non-admin", Path: PathAdmin, Accept: jsonAccept, Headers: as(Staff), Status: 403},
		{Name: "admin route, admins group", Path: PathAdmin, Headers: as(Admin), Status: 200, Body: "admin root@example.com"},
		{Name: "admin route, app admin", Path: PathAdmin, Headers: as(Owner), Status: 200, Body: "admin owner@example.com"},
		{Name: "admin route, no headers", Path: PathAdmin, Accept: jsonAccept, Headers: none, Status: 401},
		{Name: "admin route, admin signed in two hours ago (step-up)", Path: PathAdmin, Accept: jsonAccept, Headers: as(Admin, ct.WithAccessClaim("auth_time", time.Now().Add(-2*time.Hour).Unix())), Status: 401, Body: `"error":"sign_in_required"`},
		{Name: "admin route, old sign-in, its code", variant: customErrors, Path: PathAdmin, Headers: as(Admin, ct.WithAccessClaim("auth_time", time.Now().Add(-2*time.Hour).Unix())), Status: CustomStatus, Body: "custom:sign_in_too_old"},
		{Name: "app admin flag", Path: PathMe, Accept: jsonAccept, Headers: as(Owner), Status: 200, Check: func(t *testing.T, b []byte) {
			var me Me
			_ = json.Unmarshal(b, &me)
			if !me.AppAdmin {
				t.Fatalf("app admin not reported: %s", b)
			}
		}},
		{Name: "bypass path", Path: PathHealth, Headers: none, Status: 200, Body: "ok"},
		{Name: "bypass path, trailing slash", Path: PathHealth + "/", Headers: none, Status: 200, Body: "ok"},
		{Name: "not a bypass path: prefix", Path: PathHealth + "z", Accept: jsonAccept, Headers: none, Status: 401},
		{Name: "not a bypass path: case", Path: strings.ToUpper(PathHealth), Accept: jsonAccept, Headers: none, Status: 401},
		{Name: "not a bypass path: traversal", Path: PathHealth + "/../admin", Accept: jsonAccept, Headers: none, Status: 401},
		{Name: "GetAuthUser on demand, valid", Path: PathWhoami, Headers: as(Staff), Status: 200, Body: "user:alice@example.com"},
		{Name: "GetAuthUser on demand, none", Path: PathWhoami, Headers: none, Status: 200, Body: "anonymous:missing_token"},
		{Name: "GetAuthUser on demand, forged", Path: PathWhoami, Headers: as(Staff, ct.TamperedAccess()), Status: 200, Body: "anonymous:invalid_signature"},
		{Name: "custom error handler, missing", variant: customErrors, Path: PathHome, Headers: none, Status: CustomStatus, Body: "custom:missing_token"},
		{Name: "custom error handler, forbidden", variant: customErrors, Path: PathHome, Headers: as(Guest), Status: CustomStatus, Body: "custom:forbidden"},
		{Name: "custom error handler, route rule", variant: customErrors, Path: PathAdmin, Headers: as(Staff), Status: CustomStatus, Body: "custom:route_forbidden"},
		{Name: "custom error handler, success untouched", variant: customErrors, Path: PathHome, Headers: as(Staff), Status: 200, Body: "hello alice@example.com"},
		{Name: "planted user, no headers", variant: planted, Path: PathHome, Accept: jsonAccept, Headers: none, Status: 401},
		{Name: "planted user, admin route, no headers", variant: planted, Path: PathAdmin, Accept: jsonAccept, Headers: none, Status: 401},
		{Name: "planted user, real user wins", variant: planted, Path: PathMe, Accept: jsonAccept, Headers: as(Staff), Status: 200, Check: func(t *testing.T, b []byte) {
			var me Me
			if err := json.Unmarshal(b, &me); err != nil {
				t.Fatalf("body %s: %v", b, err)
			}
			if me.Email != Staff.Email || me.ContextEmail != Staff.Email {
				t.Fatalf("me = %+v: the verified user must replace the planted one", me)
			}
		}},
		{Name: "planted user, admin route, staff", variant: planted, Path: PathAdmin, Accept: jsonAccept, Headers: as(Staff), Status: 403},
		{Name: "real ALB browser request: 2 cookie shards, 100 groups, 10 KB data token", Path: PathMe, Accept: htmlAccept, Headers: realistic, Status: 200, Check: func(t *testing.T, b []byte) {
			var me Me
			if err := json.Unmarshal(b, &me); err != nil {
				t.Fatalf("body %s: %v", b, err)
			}
			if me.Email != Big.Email || len(me.Groups) != 100 {
				t.Fatalf("me = %s, %d groups; want %s with 100", me.Email, len(me.Groups), Big.Email)
			}
		}},
		{Name: "UPDATED issuer format", Path: PathMe, Accept: jsonAccept, Headers: asIssuer(Staff, "updated"), Status: 200, Body: Staff.Email},
		{Name: "issuer of another region host", Path: PathMe, Accept: jsonAccept, Headers: asIssuer(Staff, "other-region"), Status: 401},
		{Name: "issuer with a trailing slash", Path: PathMe, Accept: jsonAccept, Headers: asIssuer(Staff, "trailing-slash"), Status: 401},
		{Name: "issuer over http", Path: PathMe, Accept: jsonAccept, Headers: asIssuer(Staff, "http"), Status: 401},
		{Name: "replica issuer, no replica regions configured", Path: PathMe, Accept: jsonAccept, Headers: asIssuer(Staff, "replica"), Status: 401},
		{Name: "replica issuer, replica region configured", variant: pools, Path: PathMe, Accept: jsonAccept, Headers: asIssuer(Staff, "replica"), Status: 200, Body: Staff.Email},
		{Name: "second pool not configured", Path: PathMe, Accept: jsonAccept, Headers: asIssuer(Bob, "second"), Status: 401},
		{Name: "two pools: first pool's user", variant: pools, Path: PathMe, Accept: jsonAccept, Headers: as(Staff), Status: 200, Body: Staff.Email},
		{Name: "two pools: second pool's user, own groups", variant: pools, Path: PathMe, Accept: jsonAccept, Headers: asIssuer(Bob, "second"), Status: 200, Check: func(t *testing.T, b []byte) {
			var me Me
			if err := json.Unmarshal(b, &me); err != nil {
				t.Fatalf("body %s: %v", b, err)
			}
			if me.Email != Bob.Email || !slices.Equal(me.Groups, Bob.Groups) {
				t.Fatalf("me = %+v, want %s with %v", me, Bob.Email, Bob.Groups)
			}
		}},
		{Name: "two pools: data token of one, access token of the other", variant: pools, Path: PathMe, Accept: jsonAccept, Headers: mixedPools, Status: 401},
		{Name: "dev mode, no headers", variant: devMode, Path: PathHome, Headers: none, Status: 200, Body: "hello dev@example.com"},
		{Name: "dev mode, admin route for mock admin", variant: devMode, Path: PathAdmin, Headers: none, Status: 200, Body: "admin dev@example.com"},
	}
}

// env holds what the scenarios share.
type env struct {
	iss   *ct.Issuer
	auths map[variant]*core.BaseAuth
}

func newEnv(t *testing.T) *env {
	iss := ct.Start(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	build := func(opts ...core.Option) *core.BaseAuth {
		a, err := core.New(append(append(iss.Options(), core.WithLogger(quiet), core.WithPolicy(policy)), opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = a.Close() })
		return a
	}
	dev, err := core.New(core.WithEnvironment(func(string) (string, bool) { return "", false }), core.WithDevMode(true),
		core.WithDevUser(core.MockUser("dev@example.com", "staff", "admins")), core.WithLogger(quiet), core.WithPolicy(policy))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dev.Close() })
	return &env{iss: iss, auths: map[variant]*core.BaseAuth{
		plain: build(), withRedirect: build(core.WithRedirectURL(RedirectURL)), devMode: dev, customErrors: build(), planted: build(),
		pools: build(core.WithUserPoolIDs(iss.UserPoolID(), SecondPool), core.WithReplicaRegions("eu-west-1")),
	}}
}

// plant sets Planted for the planted variant.
func (a App) plant(v variant) App {
	if v == planted {
		a.Planted = PlantedAdmin
	}
	return a
}

// calls records which handlers ran.
type calls struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *calls) add(route string) { c.mu.Lock(); c.n[route]++; c.mu.Unlock() }
func (c *calls) get(route string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[route]
}

// Run runs every scenario against apps built by driver, then checks that
// parallel users keep their own identity and that credentials sent only as
// trailer fields of a chunked body are refused.
func Run(t *testing.T, driver Driver) {
	e := newEnv(t)
	urls := map[variant]string{}
	rec := map[variant]*calls{}
	for v, a := range e.auths {
		rec[v] = &calls{n: map[string]int{}}
		urls[v] = driver(t, App{
			Auth: a, Bypass: []string{PathHealth, PathWhoami}, AdminRules: []core.Rule{core.AllowGroups("admins"), core.RequireRecentSignIn(time.Hour)},
			CustomErrorHandler: v == customErrors, Called: rec[v].add,
		}.plant(v))
	}
	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	// Runs before the drivers' cleanups, so servers that wait for idle
	// keep-alive connections on shutdown are not kept waiting.
	t.Cleanup(client.CloseIdleConnections)
	for _, sc := range Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			method := sc.Method
			if method == "" {
				method = http.MethodGet
			}
			route := sc.Path
			if route != "/" {
				route = strings.TrimSuffix(route, "/")
			}
			before := rec[sc.variant].get(route)
			req, err := http.NewRequestWithContext(t.Context(), method, urls[sc.variant]+sc.Path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header = sc.Headers(e.iss)
			if sc.SameOrigin {
				req.Header.Set("Origin", urls[sc.variant])
			}
			if sc.Accept != "" {
				req.Header.Set("Accept", sc.Accept)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != sc.Status {
				t.Fatalf("status %d, want %d; body %q", resp.StatusCode, sc.Status, body)
			}
			if sc.Body != "" && !strings.Contains(string(body), sc.Body) {
				t.Fatalf("body %q does not contain %q", body, sc.Body)
			}
			if sc.Location != "" && resp.Header.Get("Location") != sc.Location {
				t.Fatalf("Location %q, want %q", resp.Header.Get("Location"), sc.Location)
			}
			if has := resp.Header.Get("WWW-Authenticate") != ""; sc.variant != customErrors && has != (sc.Status == 401) {
				t.Fatalf("WWW-Authenticate present=%v with status %d (it belongs on 401 only)", has, sc.Status)
			}
			if sc.Status >= 300 && sc.Status != CustomStatus {
				if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
					t.Fatalf("refusal without Cache-Control: no-store (got %q)", cc)
				}
			}
			if sc.Status >= 300 && rec[sc.variant].get(route) != before {
				t.Fatalf("the handler for %s ran although the request was refused", route)
			}
			if sc.Status < 300 && rec[sc.variant].get(route) == before {
				t.Fatalf("the handler for %s did not run", route)
			}
			if sc.Check != nil {
				sc.Check(t, body)
			}
		})
	}
	t.Run("parallel users keep their own identity", func(t *testing.T) {
		parallelUsers(t, e, client, urls[plain])
	})
	t.Run("credentials in trailers are refused", func(t *testing.T) { trailers(t, e.iss, urls[plain]) })
}

// parallelUsers sends many concurrent requests for different users and
// checks each response names its own user (catches buffer reuse and shared
// state in adapters).
func parallelUsers(t *testing.T, e *env, client *http.Client, base string) {
	const n = 40
	headers := make([]http.Header, n)
	emails := make([]string, n)
	for i := range n {
		emails[i] = fmt.Sprintf("user%02d@example.com", i)
		headers[i] = e.iss.Mint(ct.User{Email: emails[i], Groups: []string{"staff"}}).Header()
	}
	var wg sync.WaitGroup
	errs := make(chan error, n*5)
	for round := range 5 {
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+PathMe, nil)
				req.Header = headers[(i+round)%n].Clone()
				req.Header.Set("Accept", jsonAccept)
				resp, err := client.Do(req)
				if err != nil {
					errs <- err
					return
				}
				defer func() { _ = resp.Body.Close() }()
				var me Me
				if err := json.NewDecoder(resp.Body).Decode(&me); err != nil {
					errs <- err
					return
				}
				if want := emails[(i+round)%n]; me.Email != want || me.ContextEmail != want {
					errs <- fmt.Errorf("request for %s answered as %s / %s", want, me.Email, me.ContextEmail)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
