package lambdaauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth/lambdalocal"
)

// repeats is how often each event is invoked: Go's map order changes from
// one range to the next, so an answer that depended on it would flip.
const repeats = 50

// credentials are one user's: ALB headers (whose access token is also the
// bearer token) and a hosted-UI session cookie ("name=value; …").
type credentials struct {
	alb    cognitotest.Headers
	cookie string
}

// spellingEnv is one Auth with every credential source (ALB headers, bearer
// tokens and the hosted-UI session of one issuer) behind the three Protect
// handlers, each answering "hello " + the user's username; and the
// credentials of two users.
type spellingEnv struct {
	alb, rest, httpAPI lambdalocal.InvokeFunc
	seen               *codes
	alice, bob         credentials
}

func newSpellingEnv(t *testing.T) *spellingEnv {
	iss := cognitotest.Start(t)
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String() + "/Prod"
	alice := cognitotest.User{Sub: "11111111-1111-4111-8111-111111111111", Username: "alice", Email: "alice@example.com"}
	bob := cognitotest.User{Sub: "33333333-3333-4333-8333-333333333333", Username: "bob", Email: "bob@example.com"}
	ui := iss.StartHostedUI(cognitotest.WithUsers(alice, bob), cognitotest.WithClientSecret("s3cret"),
		cognitotest.WithRedirectURIs(base+hostedui.DefaultCallbackPath), cognitotest.WithLogoutURIs(base+"/"))
	t.Cleanup(ui.Close)
	seen := &codes{}
	logger := core.WithLogger(slog.New(seen))
	v, err := core.NewVerifier(append(iss.VerifierOptions(), logger)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	login, err := hostedui.New(v, hostedui.WithDomain(ui.URL()), hostedui.WithAppURL(base),
		hostedui.WithClientSecret("s3cret"), hostedui.WithSessionSecrets("spellings-session-secret-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := core.New(core.WithEnvironment(func(string) (string, bool) { return "", false }), logger,
		core.WithVerifier(v), core.WithSources(login), core.WithBearer(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	auth, err := lambdaauth.New(lambdaauth.WithBaseAuth(b), lambdaauth.WithHostedUI(login))
	if err != nil {
		t.Fatal(err)
	}
	hello := func(ctx context.Context) string { return "hello " + lambdaauth.User(ctx).Username }
	rest := auth.ProtectREST(func(ctx context.Context, _ events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		return lambdaauth.RESTResponse(http.StatusOK, nil, hello(ctx)), nil
	})
	serveGateway(t, ln, lambdalocal.PayloadREST, "Prod", rest, nil) // for the sign-ins
	env := &conformance.HostedUIEnv{URL: base, UI: ui}
	return &spellingEnv{
		alb: lambdalocal.Handler(auth.Protect(func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
			return lambdaauth.Response(&e, http.StatusOK, nil, hello(ctx)), nil
		})),
		rest: lambdalocal.Handler(rest),
		httpAPI: lambdalocal.Handler(auth.ProtectHTTPAPI(func(ctx context.Context, _ events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
			return lambdaauth.HTTPAPIResponse(http.StatusOK, nil, hello(ctx)), nil
		})),
		seen:  seen,
		alice: credentials{alb: iss.Mint(alice), cookie: env.SignIn(t, "alice")},
		bob:   credentials{alb: iss.Mint(bob), cookie: env.SignIn(t, "bob")},
	}
}

// field is one header of an event as spelled there. The name cookiesArray
// stands for payload 2.0's cookies array (the value split at "; ").
type field struct{ name, value string }

const cookiesArray = "(cookies array)"

// eventShape builds one kind of event, as JSON, from its header fields.
type eventShape struct {
	name   string
	invoke func(*spellingEnv) lambdalocal.InvokeFunc
	event  func(fields []field) any
}

var elb = events.ALBTargetGroupRequestContext{ELB: events.ELBContext{
	TargetGroupArn: "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/lambda/0123456789abcdef",
}}

var eventShapes = []eventShape{
	{"ALB single-value", func(e *spellingEnv) lambdalocal.InvokeFunc { return e.alb }, func(fs []field) any {
		e := events.ALBTargetGroupRequest{HTTPMethod: http.MethodGet, Path: "/", Headers: map[string]string{}, RequestContext: elb}
		for _, f := range fs {
			e.Headers[f.name] = f.value
		}
		return e
	}},
	{"ALB multi-value", func(e *spellingEnv) lambdalocal.InvokeFunc { return e.alb }, func(fs []field) any {
		e := events.ALBTargetGroupRequest{HTTPMethod: http.MethodGet, Path: "/", MultiValueHeaders: map[string][]string{}, RequestContext: elb}
		for _, f := range fs {
			e.MultiValueHeaders[f.name] = append(e.MultiValueHeaders[f.name], f.value)
		}
		return e
	}},
	{"REST 1.0 headers", func(e *spellingEnv) lambdalocal.InvokeFunc { return e.rest }, func(fs []field) any {
		e := restEvent()
		for _, f := range fs {
			e.Headers[f.name] = f.value
		}
		return e
	}},
	{"REST 1.0 multiValueHeaders", func(e *spellingEnv) lambdalocal.InvokeFunc { return e.rest }, func(fs []field) any {
		e := restEvent() // API Gateway sends both maps
		e.MultiValueHeaders = map[string][]string{}
		for _, f := range fs {
			e.Headers[f.name] = f.value
			e.MultiValueHeaders[f.name] = append(e.MultiValueHeaders[f.name], f.value)
		}
		return e
	}},
	{"HTTP API 2.0", func(e *spellingEnv) lambdalocal.InvokeFunc { return e.httpAPI }, func(fs []field) any {
		e := events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "$default", RawPath: "/Prod/", Headers: map[string]string{}}
		e.RequestContext.Stage = "Prod"
		e.RequestContext.HTTP.Method, e.RequestContext.HTTP.Path = http.MethodGet, "/Prod/"
		for _, f := range fs {
			if f.name == cookiesArray {
				e.Cookies = append(e.Cookies, strings.Split(f.value, "; ")...)
				continue
			}
			e.Headers[f.name] = f.value
		}
		return e
	}},
}

func restEvent() events.APIGatewayProxyRequest {
	e := events.APIGatewayProxyRequest{HTTPMethod: http.MethodGet, Path: "/", Resource: "/{proxy+}", Headers: map[string]string{}}
	e.RequestContext.Stage, e.RequestContext.Path = "Prod", "/Prod/"
	return e
}

// answer is what the function answered (the three response shapes share
// these fields) and the code of the refusal logged.
type answer struct {
	Status int    `json:"statusCode"`
	Body   string `json:"body"`
	Code   core.Code
}

// invokeRepeatedly sends the event to the function repeats times through
// aws-lambda-go's invocation code and returns the first answer, failing the
// test if any later one differs from it.
func invokeRepeatedly(t *testing.T, invoke lambdalocal.InvokeFunc, seen *codes, event any) answer {
	t.Helper()
	payload, err := json.Marshal(event)
	if err != nil {
		t.Fatal(err)
	}
	var first answer
	for i := range repeats {
		out, err := invoke(t.Context(), payload)
		if err != nil {
			t.Fatalf("invocation %d: %v", i, err)
		}
		var a answer
		if err := json.Unmarshal(out, &a); err != nil {
			t.Fatalf("invocation %d: %v", i, err)
		}
		a.Code = seen.take()
		if i == 0 {
			first = a
		} else if a.Status != first.Status || a.Code != first.Code || a.Body != first.Body {
			t.Fatalf("invocation %d of the same event: %d %q %q; invocation 0: %d %q %q",
				i, a.Status, a.Code, a.Body, first.Status, first.Code, first.Body)
		}
	}
	return first
}

// TestHeaderSpellings: for every event shape and credential, a credential
// sent under two spellings of its header name with the same value is one
// header (200); with different values the event is refused, 401
// duplicate_header; and either answer is the same on every invocation of
// the same event. A non-credential header with different values under two
// spellings does not break the request.
func TestHeaderSpellings(t *testing.T) {
	env := newSpellingEnv(t)
	albHeaders := func(c credentials, except string) []field {
		var fs []field
		for _, f := range []field{
			{"x-amzn-oidc-data", c.alb.Data}, {"x-amzn-oidc-accesstoken", c.alb.AccessToken}, {"x-amzn-oidc-identity", c.alb.Identity},
		} {
			if !strings.EqualFold(f.name, except) {
				fs = append(fs, f)
			}
		}
		return fs
	}
	for _, cred := range []struct {
		name      string
		spellings [2]string // the header's name as the event spells it, twice
		value     func(credentials) string
		others    func(credentials) []field // the credential's companions, sent once
		only      string                    // the one shape the case is for ("" for all)
	}{
		{
			"ALB data",
			[2]string{"X-Amzn-Oidc-Data", "x-amzn-oidc-data"},
			func(c credentials) string { return c.alb.Data },
			func(c credentials) []field { return albHeaders(c, core.HeaderData) }, "",
		},
		{
			"ALB access token",
			[2]string{"X-Amzn-Oidc-Accesstoken", "x-amzn-oidc-accesstoken"},
			func(c credentials) string { return c.alb.AccessToken },
			func(c credentials) []field { return albHeaders(c, core.HeaderAccessToken) }, "",
		},
		{
			"ALB identity",
			[2]string{"X-Amzn-Oidc-Identity", "x-amzn-oidc-identity"},
			func(c credentials) string { return c.alb.Identity },
			func(c credentials) []field { return albHeaders(c, core.HeaderIdentity) }, "",
		},
		{
			"Authorization bearer",
			[2]string{"Authorization", "authorization"},
			func(c credentials) string { return "Bearer " + c.alb.AccessToken },
			func(credentials) []field { return nil }, "",
		},
		{
			"session cookie",
			[2]string{"Cookie", "cookie"},
			func(c credentials) string { return c.cookie },
			func(credentials) []field { return nil }, "",
		},
		{
			"session cookie, cookies array and cookie header",
			[2]string{cookiesArray, "cookie"},
			func(c credentials) string { return c.cookie },
			func(credentials) []field { return nil }, "HTTP API 2.0",
		},
	} {
		for _, shape := range eventShapes {
			if cred.only != "" && cred.only != shape.name {
				continue
			}
			t.Run(shape.name+"/"+cred.name, func(t *testing.T) {
				event := func(second credentials) any {
					fs := append(cred.others(env.alice), field{"accept", "application/json"},
						field{cred.spellings[0], cred.value(env.alice)}, field{cred.spellings[1], cred.value(second)})
					return shape.event(fs)
				}
				if got := invokeRepeatedly(t, shape.invoke(env), env.seen, event(env.alice)); got.Status != http.StatusOK || got.Body != "hello alice" {
					t.Errorf("same value under two spellings: %d %q %q; want 200 %q", got.Status, got.Code, got.Body, "hello alice")
				}
				if got := invokeRepeatedly(t, shape.invoke(env), env.seen, event(env.bob)); got.Status != http.StatusUnauthorized || got.Code != core.CodeDuplicateHeader {
					t.Errorf("different values under two spellings: %d %q %q; want 401 %q", got.Status, got.Code, got.Body, core.CodeDuplicateHeader)
				}
			})
		}
	}
	for _, shape := range eventShapes {
		t.Run(shape.name+"/other header", func(t *testing.T) {
			fs := append(albHeaders(env.alice, ""), field{"X-Request-Tag", "a"}, field{"x-request-tag", "b"})
			if got := invokeRepeatedly(t, shape.invoke(env), env.seen, shape.event(fs)); got.Status != http.StatusOK || got.Body != "hello alice" {
				t.Errorf("another header with different values under two spellings: %d %q %q; want 200", got.Status, got.Code, got.Body)
			}
		})
	}
}

// TestProxySpellings: the bridges hand an http.Handler the spellings of a
// header merged in one order on every invocation, a value sent under two
// spellings once, and refuse (401, the app not run) an event with a cookie
// of two values under two spellings of Cookie.
func TestProxySpellings(t *testing.T) {
	ran := 0
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ran++
		c, _ := r.Cookie("s")
		var v string
		if c != nil {
			v = c.Value
		}
		_, _ = w.Write([]byte(strings.Join(r.Header.Values("X-Request-Tag"), ",") + " s=" + v + " " + strings.Join(r.Header.Values("Cookie"), "|")))
	})
	invoke := lambdalocal.Handler(lambdaauth.Proxy(app))
	for _, shape := range eventShapes {
		t.Run(shape.name, func(t *testing.T) {
			cookie := "Cookie"
			if shape.name == "HTTP API 2.0" {
				cookie = cookiesArray
			}
			seen := &codes{}
			got := invokeRepeatedly(t, invoke, seen, shape.event([]field{
				{"X-Request-Tag", "a"}, {"x-request-tag", "b"}, {"X-REQUEST-TAG", "a"}, {cookie, "s=1"}, {"cookie", "s=1"},
			}))
			if want := "a,b s=1 s=1"; got.Status != http.StatusOK || got.Body != want {
				t.Errorf("spellings: %d %q; want 200 %q", got.Status, got.Body, want)
			}
			ran = 0
			got = invokeRepeatedly(t, invoke, seen, shape.event([]field{{"accept", "application/json"}, {cookie, "s=1"}, {"cookie", "s=2"}}))
			if got.Status != http.StatusUnauthorized || ran != 0 {
				t.Errorf("a cookie with two values under two spellings: %d %q, app ran %d times; want 401 and no run", got.Status, got.Body, ran)
			}
		})
	}
}

// TestAmbiguousEventError: the refusal of an ambiguous event is an
// ErrInvalidToken with code duplicate_header, for WithErrorHandler and for
// GetAuthUser outside Protect alike; Request merges the spellings.
func TestAmbiguousEventError(t *testing.T) {
	iss := cognitotest.Start(t)
	var handled error
	auth, err := lambdaauth.New(lambdaauth.WithCoreOptions(append(iss.Options(), core.WithLogger(slog.New(&codes{})))...),
		lambdaauth.WithErrorHandler(func(_ context.Context, e events.ALBTargetGroupRequest, err error) (events.ALBTargetGroupResponse, error) {
			handled = err
			return lambdaauth.Response(&e, http.StatusTeapot, nil, "refused"), nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = auth.Close() })
	e := events.ALBTargetGroupRequest{HTTPMethod: http.MethodGet, Path: "/", RequestContext: elb, MultiValueHeaders: map[string][]string{
		"Cookie": {"a=1; s=1"}, "cookie": {"s=2"}, "X-Tag": {"1", "1"}, "x-tag": {"1", "2"},
	}}
	payload, _ := json.Marshal(e)
	out, err := lambdalocal.Handler(auth.Protect(func(context.Context, events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		t.Error("handler ran for an ambiguous event")
		return events.ALBTargetGroupResponse{}, nil
	}))(t.Context(), payload)
	if err != nil || !strings.Contains(string(out), `"statusCode":418`) {
		t.Fatalf("error handler's answer: %s %v", out, err)
	}
	if _, err := auth.GetAuthUser(t.Context(), e); !errors.Is(handled, core.ErrInvalidToken) || core.CodeOf(handled) != core.CodeDuplicateHeader ||
		!errors.Is(err, core.ErrInvalidToken) || core.CodeOf(err) != core.CodeDuplicateHeader {
		t.Fatalf("refusals: error handler %v, GetAuthUser %v; want %s", handled, err, core.CodeDuplicateHeader)
	}
	r := lambdaauth.Request(&e)
	if got := r.HeaderValues("X-Tag"); !slices.Equal(got, []string{"1", "1", "2"}) {
		t.Errorf("X-Tag: %q; want the first spelling's values, then the new ones", got)
	}
	if got := r.HeaderValues("Cookie"); !slices.Equal(got, []string{"a=1; s=1", "s=2"}) {
		t.Errorf("Cookie: %q; want the spellings in sorted order", got)
	}
}
