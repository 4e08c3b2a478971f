package conformance

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
)

// The service conformance suite: one table of scenarios for RPC adapters
// (grpcauth, connectauth), whatever their transport. A ServiceDriver serves
// these methods with its adapter on a real loopback server, each with
// string messages (google.protobuf.StringValue), and calls them with a real
// client:
//
//	/conformance.v1.Open/Who        unary          no rules
//	/conformance.v1.Open/Watch      server stream  no rules
//	/conformance.v1.Orders/Get      unary          service rule core.RequireScopes(ScopeOrdersRead)
//	/conformance.v1.Orders/List     server stream  service rule
//	/conformance.v1.Orders/Delete   unary          method rule core.AllowGroups("admins") (replaces the service's)
//	/grpc.health.v1.Health/Check    unary          the adapter's default: bypassed
//	/grpc.reflection.v1.ServerReflection/ServerReflectionInfo  server stream  the adapter's default: protected
//
// Every handler first calls ServiceApp.Called with the request's value (a
// fresh id per call), then answers Principal(ctx, <the adapter's typed
// shorthand>). A unary handler returns it; a stream handler sends it, and
// when IsHold(the request's value), sends Tick every 50 ms until its
// context ends and returns the context's error. Health and reflection are served by the same handlers
// under the standard names: the suite is about who gets in, and the names
// are what the adapters decide on.
const (
	ServiceOpen   = "conformance.v1.Open"
	ServiceOrders = "conformance.v1.Orders"

	MethodWho        = "/conformance.v1.Open/Who"
	MethodWatch      = "/conformance.v1.Open/Watch"
	MethodGet        = "/conformance.v1.Orders/Get"
	MethodList       = "/conformance.v1.Orders/List"
	MethodDelete     = "/conformance.v1.Orders/Delete"
	MethodHealth     = "/grpc.health.v1.Health/Check"
	MethodReflection = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"

	// ScopeOrdersRead is the scope the Orders service requires.
	ScopeOrdersRead = "orders/read"
	// Hold starts the value of a call whose stream handler keeps the stream
	// open until its context ends.
	Hold = "hold:"
	// Tick is what a holding stream handler sends every 50 ms.
	Tick = "tick"
)

// StreamMethods are the server-streaming methods; the others are unary.
var StreamMethods = map[string]bool{MethodWatch: true, MethodList: true, MethodReflection: true}

// Machine clients of the service scenarios.
const (
	OrdersClient   = "conformanceorders00000001" // allowed, granted orders/read
	WriterClient   = "conformancewriter00000001" // allowed, granted orders/write only
	StrangerClient = "conformancestranger000001" // not an allowed machine client
)

// ServiceApp is what the suite asks a ServiceDriver to serve.
type ServiceApp struct {
	// Auth is the BaseAuth the adapter must use (bearer tokens on).
	Auth *core.BaseAuth
	// MethodRules and ServiceRules are the adapter's per-method and
	// per-service rules.
	MethodRules  map[string][]core.Rule
	ServiceRules map[string][]core.Rule
	// Called must be called by every handler with the request's value.
	Called func(value string)
}

// ServiceDriver serves the conformance methods for app with one adapter
// and transport on loopback and returns a Caller for them. It stops the
// server when the test ends (t.Cleanup).
type ServiceDriver func(t *testing.T, app ServiceApp) Caller

// Caller makes one call with a real client and reports how it ended.
type Caller func(ctx context.Context, c Call) Result

// Call is one call: the method, its request metadata (headers; keys in
// canonical form, several values kept), and the request's value.
type Call struct {
	Method string
	Header http.Header
	Value  string // an id for Called, starting with Hold for a held stream
}

// IsHold reports whether a stream handler must hold the stream open.
func IsHold(value string) bool { return strings.HasPrefix(value, Hold) }

// Category is how a call ended, in the terms every transport shares.
type Category string

// Categories. A driver reports any other status as "other:" + its code.
const (
	OK               Category = "OK"
	Unauthenticated  Category = "Unauthenticated"
	PermissionDenied Category = "PermissionDenied"
	Unavailable      Category = "Unavailable"
)

// Result is how a call ended.
type Result struct {
	Category Category
	// Message is the status message of a refusal, checked for token contents.
	Message string
	// Messages are the response messages received (the unary response, or
	// every message of a stream), in order.
	Messages []string
	// Ended is when the call ended (the stream's status was received).
	Ended time.Time
}

// Anonymous is what a handler reports when its context has no principal.
const Anonymous = "anonymous"

// Principal is what a handler answers: "user:" + username, "machine:" +
// client id, or Anonymous, as core.UserFromContext sees it; "mismatch:…"
// when the adapter's typed shorthand (pass it, or nil when the adapter has
// none) disagrees.
func Principal(ctx context.Context, shorthand *core.User) string {
	u, _ := core.UserFromContext(ctx)
	p := principalOf(u)
	if shorthand != nil && principalOf(shorthand) != p {
		return "mismatch:" + p + "/" + principalOf(shorthand)
	}
	return p
}

func principalOf(u *core.User) string {
	switch {
	case u == nil:
		return Anonymous
	case u.Machine:
		return "machine:" + u.ClientID
	}
	return "user:" + u.Username
}

// Users of the service scenarios: access tokens carry a username and
// groups, not an email.
var (
	Alice = ct.User{Username: "alice", Groups: []string{"staff"}}
	Root  = ct.User{Username: "root", Groups: []string{"staff", "admins"}}
	Eve   = ct.User{Username: "eve", Groups: []string{"guests"}}
)

// svcVariant selects the BaseAuth of a service scenario.
type svcVariant int

const (
	svcDefault       svcVariant = iota
	svcMachineAccess            // core.WithMachineAccess(true)
	svcOutage                   // the key server answers 503
)

// ServiceScenario is one row of the service table.
type ServiceScenario struct {
	Name    string
	variant svcVariant
	Method  string
	// Header builds the call's metadata.
	Header func(iss *ct.Issuer) http.Header
	// Expiry, when set, mints the user's token to expire that long after
	// the call starts and holds the stream open: the call must end
	// Unauthenticated within about a second of the token's exp.
	Expiry time.Duration
	// Want is how the call must end; Principal what the handler must have
	// seen (in the first message) when it ran.
	Want      Category
	Principal string
}

func bearerOf(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

func userBearer(u ct.User, opts ...ct.TokenOption) func(*ct.Issuer) http.Header {
	return func(iss *ct.Issuer) http.Header { return bearerOf(iss.Mint(u, opts...).AccessToken) }
}

func machineBearer(client string, scopes ...string) func(*ct.Issuer) http.Header {
	return func(iss *ct.Issuer) http.Header { return bearerOf(iss.MintMachine(client, scopes)) }
}

func rawAuthorization(values ...func(*ct.Issuer) string) func(*ct.Issuer) http.Header {
	return func(iss *ct.Issuer) http.Header {
		h := http.Header{}
		for _, v := range values {
			h.Add("Authorization", v(iss))
		}
		return h
	}
}

func text(s string) func(*ct.Issuer) string { return func(*ct.Issuer) string { return s } }

func staffToken(prefix string) func(*ct.Issuer) string {
	return func(iss *ct.Issuer) string { return prefix + iss.Mint(Alice).AccessToken }
}

// ServiceScenarios returns the service conformance table.
func ServiceScenarios() []ServiceScenario {
	alice, root := "user:"+Alice.Username, "user:"+Root.Username
	orders := "machine:" + OrdersClient
	otherPool := ct.WithIssuer(awsurl.OriginalIssuer("eu-west-2", SecondPool))
	return []ServiceScenario{
		{Name: "valid user, unary", Method: MethodWho, Header: userBearer(Alice), Want: OK, Principal: alice},
		{Name: "valid user, stream", Method: MethodWatch, Header: userBearer(Alice), Want: OK, Principal: alice},
		{Name: "lower-case bearer scheme", Method: MethodWho, Header: rawAuthorization(staffToken("bearer ")), Want: OK, Principal: alice},
		{Name: "user the app policy refuses", Method: MethodWho, Header: userBearer(Eve), Want: PermissionDenied},
		{Name: "valid machine client, service rule, unary", Method: MethodGet, Header: machineBearer(OrdersClient, ScopeOrdersRead), Want: OK, Principal: orders},
		{Name: "valid machine client, service rule, stream", Method: MethodList, Header: machineBearer(OrdersClient, ScopeOrdersRead), Want: OK, Principal: orders},
		{Name: "other (unlisted) machine client", Method: MethodGet, Header: machineBearer(StrangerClient, ScopeOrdersRead), Want: Unauthenticated},
		{Name: "user of another pool", Method: MethodWho, Header: userBearer(Alice, otherPool), Want: Unauthenticated},
		{Name: "expired token, unary", Method: MethodWho, Header: userBearer(Alice, ct.Expired()), Want: Unauthenticated},
		{Name: "expired token, stream", Method: MethodWatch, Header: userBearer(Alice, ct.Expired()), Want: Unauthenticated},
		{Name: "ID token as bearer (token_use id)", Method: MethodWho, Header: userBearer(Alice, ct.WithTokenUse("id")), Want: Unauthenticated},
		{Name: "forged signature", Method: MethodWho, Header: userBearer(Alice, ct.SignedByOtherRSAKey()), Want: Unauthenticated},
		{Name: "missing metadata, unary", Method: MethodWho, Header: none, Want: Unauthenticated},
		{Name: "missing metadata, stream", Method: MethodWatch, Header: none, Want: Unauthenticated},
		{Name: "two authorization values", Method: MethodWho, Header: rawAuthorization(staffToken("Bearer "), staffToken("Bearer ")), Want: Unauthenticated},
		{Name: "malformed: Basic", Method: MethodWho, Header: rawAuthorization(text("Basic dXNlcjpwYXNzd29yZA==")), Want: Unauthenticated},
		{Name: "malformed: Bearer alone", Method: MethodWho, Header: rawAuthorization(text("Bearer")), Want: Unauthenticated},
		{Name: "malformed: two tokens", Method: MethodWho, Header: rawAuthorization(func(iss *ct.Issuer) string {
			return "Bearer " + iss.Mint(Alice).AccessToken + " " + iss.Mint(Root).AccessToken
		}), Want: Unauthenticated},
		{Name: "malformed: not a JWT", Method: MethodWho, Header: rawAuthorization(text("Bearer not-a-token")), Want: Unauthenticated},
		{Name: "scope missing (service rule)", Method: MethodGet, Header: machineBearer(WriterClient, "orders/write"), Want: PermissionDenied},
		{Name: "service rule refuses a user without the scope", Method: MethodGet, Header: userBearer(Alice), Want: PermissionDenied},
		{Name: "service rule refuses a user, stream", Method: MethodList, Header: userBearer(Alice), Want: PermissionDenied},
		{Name: "method rule admits an admin (replacing the service rule)", Method: MethodDelete, Header: userBearer(Root), Want: OK, Principal: root},
		{Name: "method rule refuses a user outside the group", Method: MethodDelete, Header: userBearer(Alice), Want: PermissionDenied},
		{Name: "method rule refuses a machine client the service rule admits", Method: MethodDelete, Header: machineBearer(OrdersClient, ScopeOrdersRead), Want: PermissionDenied},
		{Name: "health bypassed, no metadata", Method: MethodHealth, Header: none, Want: OK, Principal: Anonymous},
		{Name: "health bypassed, credentials not looked at", Method: MethodHealth, Header: rawAuthorization(text("Bearer not-a-token")), Want: OK, Principal: Anonymous},
		{Name: "reflection protected, no metadata", Method: MethodReflection, Header: none, Want: Unauthenticated},
		{Name: "reflection for a valid user", Method: MethodReflection, Header: userBearer(Alice), Want: OK, Principal: alice},
		{Name: "key outage, unary", variant: svcOutage, Method: MethodWho, Header: userBearer(Alice), Want: Unavailable},
		{Name: "key outage, stream", variant: svcOutage, Method: MethodWatch, Header: userBearer(Alice), Want: Unavailable},
		{Name: "stream outliving its token is cancelled at expiry", Method: MethodWatch, Expiry: 2 * time.Second, Want: Unauthenticated, Principal: alice},
		{Name: "machine client on a method without rules (default), unary", Method: MethodWho, Header: machineBearer(OrdersClient, ScopeOrdersRead), Want: PermissionDenied},
		{Name: "machine client on a method without rules (default), stream", Method: MethodWatch, Header: machineBearer(OrdersClient, ScopeOrdersRead), Want: PermissionDenied},
		{Name: "machine client on a method without rules, WithMachineAccess(true)", variant: svcMachineAccess, Method: MethodWho, Header: machineBearer(OrdersClient, ScopeOrdersRead), Want: OK, Principal: orders},
		{Name: "WithMachineAccess(true): rules still apply", variant: svcMachineAccess, Method: MethodDelete, Header: machineBearer(OrdersClient, ScopeOrdersRead), Want: PermissionDenied},
	}
}

// serviceRules are the rules every ServiceApp has.
func serviceRules() (methods, services map[string][]core.Rule) {
	return map[string][]core.Rule{MethodDelete: {core.AllowGroups("admins")}},
		map[string][]core.Rule{ServiceOrders: {core.RequireScopes(ScopeOrdersRead)}}
}

// RunServices runs every service scenario against the apps driver serves,
// then checks that concurrent callers keep their own principal.
func RunServices(t *testing.T, driver ServiceDriver) {
	iss := ct.Start(t)
	outage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "key server having a bad day", http.StatusServiceUnavailable)
	}))
	t.Cleanup(outage.Close)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	build := func(opts ...core.Option) *core.BaseAuth {
		base := append(iss.Options(), core.WithLogger(quiet), core.WithPolicy(policy), core.WithBearer(true),
			core.WithMachineClientIDs(OrdersClient, WriterClient))
		a, err := core.New(append(base, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = a.Close() })
		return a
	}
	auths := map[svcVariant]*core.BaseAuth{
		svcDefault:       build(),
		svcMachineAccess: build(core.WithMachineAccess(true)),
		svcOutage:        build(core.WithJWKSURL(outage.URL+"/.well-known/jwks.json"), core.WithFetchTimeout(2*time.Second)),
	}
	callers := map[svcVariant]Caller{}
	recs := map[svcVariant]*calls{}
	for v, a := range auths {
		methods, services := serviceRules()
		recs[v] = &calls{n: map[string]int{}}
		callers[v] = driver(t, ServiceApp{Auth: a, MethodRules: methods, ServiceRules: services, Called: recs[v].add})
	}
	t.Run("scenarios", func(t *testing.T) {
		for _, sc := range ServiceScenarios() {
			t.Run(sc.Name, func(t *testing.T) {
				t.Parallel()
				runService(t, iss, sc, callers[sc.variant], recs[sc.variant])
			})
		}
	})
	t.Run("concurrent callers keep their own principal", func(t *testing.T) {
		concurrentPrincipals(t, iss, callers[svcDefault])
	})
}

func runService(t *testing.T, iss *ct.Issuer, sc ServiceScenario, call Caller, rec *calls) {
	c := Call{Method: sc.Method, Value: ct.NewUUID()}
	var exp time.Time
	if sc.Expiry > 0 {
		tok := iss.Mint(Alice, ct.ExpiresIn(sc.Expiry)).AccessToken
		exp = expOf(t, tok)
		c.Header, c.Value = bearerOf(tok), Hold+c.Value
	} else {
		c.Header = sc.Header(iss)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	res := call(ctx, c)
	if res.Category != sc.Want {
		t.Fatalf("%s ended %s (%q), want %s; messages %q", sc.Method, res.Category, res.Message, sc.Want, res.Messages)
	}
	ran := rec.get(c.Value) > 0
	switch {
	case sc.Principal != "":
		if !ran {
			t.Fatalf("the handler of %s did not run", sc.Method)
		}
		if len(res.Messages) == 0 || res.Messages[0] != sc.Principal {
			t.Fatalf("the handler saw %q, want %q", res.Messages, sc.Principal)
		}
	case sc.Want != OK && ran:
		t.Fatalf("the handler of %s ran although the call was refused", sc.Method)
	}
	if sc.Want != OK {
		checkMessage(t, res.Message, c.Header)
	}
	if !exp.IsZero() {
		if late := res.Ended.Sub(exp); late < -100*time.Millisecond || late > time.Second {
			t.Fatalf("the stream ended %v after its token expired; want within a second", late)
		}
		if len(res.Messages) < 2 || res.Messages[1] != Tick {
			t.Fatalf("the stream did not stay open until its token expired: %q", res.Messages)
		}
	}
}

// checkMessage fails when a refusal's message carries any part of the
// credentials sent, or the refusal's code.
func checkMessage(t *testing.T, msg string, h http.Header) {
	t.Helper()
	for _, v := range h.Values("Authorization") {
		for part := range strings.FieldsSeq(v) {
			for seg := range strings.SplitSeq(part, ".") {
				if len(seg) >= 8 && strings.Contains(msg, seg) {
					t.Fatalf("the status message %q carries credential contents", msg)
				}
			}
		}
	}
	for _, code := range []core.Code{core.CodeTokenExpired, core.CodeIssuerMismatch, core.CodeInvalidSignature, core.CodeClientMismatch} {
		if strings.Contains(msg, string(code)) {
			t.Fatalf("the status message %q names the reason %s: clients see the category only", msg, code)
		}
	}
}

// expOf reads an access token's exp claim.
func expOf(t *testing.T, tok string) time.Time {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Exp int64 `json:"exp"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return time.Unix(claims.Exp, 0)
}

// concurrentPrincipals makes many concurrent calls for different users
// and checks that each handler saw its own caller.
func concurrentPrincipals(t *testing.T, iss *ct.Issuer, call Caller) {
	const n = 24
	headers := make([]http.Header, n)
	for i := range n {
		headers[i] = bearerOf(iss.Mint(ct.User{Username: fmt.Sprintf("caller%02d", i), Groups: []string{"staff"}}).AccessToken)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n*3)
	for round := range 3 {
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				method := MethodWho
				if (i+round)%2 == 1 {
					method = MethodWatch
				}
				who := (i + round) % n
				res := call(t.Context(), Call{Method: method, Header: headers[who]})
				want := fmt.Sprintf("user:caller%02d", who)
				if res.Category != OK || len(res.Messages) == 0 || res.Messages[0] != want {
					errs <- fmt.Errorf("%s for %s: %s %q", method, want, res.Category, res.Messages)
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
