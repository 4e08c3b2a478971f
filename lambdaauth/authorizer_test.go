package lambdaauth_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth/lambdalocal"
)

// codes records the code of the last refusal core logged (the "code"
// attribute of its refusal log line).
type codes struct {
	core.NopObserver
	mu           sync.Mutex
	last         core.Code
	source, pool string
}

func (c *codes) Enabled(context.Context, slog.Level) bool { return true }
func (c *codes) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *codes) WithGroup(string) slog.Handler            { return c }
func (c *codes) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "code" {
			c.mu.Lock()
			c.last = core.Code(a.Value.String())
			c.mu.Unlock()
		}
		return true
	})
	return nil
}

// ObserveDecision records the source and pool of each decision (codes is
// also a core.Observer).
func (c *codes) ObserveDecision(_ context.Context, e core.DecisionEvent) {
	c.mu.Lock()
	c.source, c.pool = e.Source, e.UserPoolID
	c.mu.Unlock()
}

func (c *codes) decided() (source, pool string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.source, c.pool
}

func (c *codes) take() core.Code {
	c.mu.Lock()
	defer c.mu.Unlock()
	code := c.last
	c.last = ""
	return code
}

// authorizerApp serves /me (any user) and /admin (group admins) behind the
// API Gateway stand-in, whose authorizer hands the function the claims
// named by the request's X-Test-Claims header (the test plays API Gateway:
// it is the only party that can put claims in an event).
func authorizerApp(t *testing.T, payload string, trust bool, claims map[string]core.AuthorizerClaims) (string, *codes) {
	iss := cognitotest.Start(t)
	seen := &codes{}
	auth, err := lambdaauth.New(lambdaauth.WithCoreOptions(append(iss.Options(), core.WithALBARNs(), core.WithBearer(true),
		core.WithAPIGatewayAuthorizer(trust), core.WithLogger(slog.New(seen)), core.WithObserver(seen))...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = auth.Close() })
	me := func(ctx context.Context) string {
		u := lambdaauth.User(ctx)
		b, _ := json.Marshal(map[string]any{"sub": u.Sub, "email": u.Email, "groups": u.Groups, "pool": u.UserPoolID, "client": u.ClientID})
		return string(b)
	}
	jsonH := http.Header{"Content-Type": {"application/json"}}
	var fn any
	if payload == lambdalocal.PayloadREST {
		admin := auth.RequireAuthREST(func(ctx context.Context, _ events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
			return lambdaauth.RESTResponse(http.StatusOK, jsonH, me(ctx)), nil
		}, core.AllowGroups("admins"))
		fn = auth.ProtectREST(func(ctx context.Context, e events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
			if e.Path == "/admin" {
				return admin(ctx, e)
			}
			return lambdaauth.RESTResponse(http.StatusOK, jsonH, me(ctx)), nil
		})
	} else {
		admin := auth.RequireAuthHTTPAPI(func(ctx context.Context, _ events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
			return lambdaauth.HTTPAPIResponse(http.StatusOK, jsonH, me(ctx)), nil
		}, core.AllowGroups("admins"))
		fn = auth.ProtectHTTPAPI(func(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
			if strings.HasSuffix(e.RawPath, "/admin") {
				return admin(ctx, e)
			}
			return lambdaauth.HTTPAPIResponse(http.StatusOK, jsonH, me(ctx)), nil
		})
	}
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveGateway(t, ln, payload, "Prod", fn, func(r *http.Request) (map[string]string, bool) {
		c, ok := claims[r.Header.Get("X-Test-Claims")]
		return c, ok
	})
	return "http://" + ln.Addr().String() + "/Prod", seen
}

// TestAPIGatewayAuthorizerClaims: with the authorizer trusted, the user
// comes from the claims in both shapes (HTTP API: "[a b]" groups and a
// numeric exp; REST API: "a,b" groups and a date exp), and hostile claims
// are refused with the right status and code. Without trust the claims are
// ignored.
func TestAPIGatewayAuthorizerClaims(t *testing.T) {
	probe := cognitotest.Start(t) // same pool, client and issuer as every cognitotest issuer
	pool, client, issuer := probe.UserPoolID(), probe.ClientID(), probe.IssuerURL()
	exp := time.Now().Add(time.Hour)
	access := func(mod func(core.AuthorizerClaims)) core.AuthorizerClaims {
		c := core.AuthorizerClaims{
			"sub": "11111111-2222-3333-4444-555555555555", "iss": issuer, "token_use": "access",
			"client_id": client, "username": "alice", "scope": "openid email", "cognito:groups": "[admins staff]",
			"exp": jsonNumber(exp.Unix()), "iat": "1",
		}
		if mod != nil {
			mod(c)
		}
		return c
	}
	id := func(mod func(core.AuthorizerClaims)) core.AuthorizerClaims {
		c := core.AuthorizerClaims{
			"sub": "11111111-2222-3333-4444-555555555555", "iss": issuer, "token_use": "id",
			"aud": client, "cognito:username": "alice", "email": "alice@example.com", "email_verified": "true",
			"cognito:groups": "staff,admins", "exp": exp.UTC().Format("Mon Jan 02 15:04:05 MST 2006"),
		}
		if mod != nil {
			mod(c)
		}
		return c
	}
	claims := map[string]core.AuthorizerClaims{
		"access": access(nil),
		"id":     id(nil),
		"staff":  access(func(c core.AuthorizerClaims) { c["cognito:groups"] = "[staff]" }),
		"other-pool": access(func(c core.AuthorizerClaims) {
			c["iss"] = "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_OtherPool"
		}),
		"other-region": access(func(c core.AuthorizerClaims) { c["iss"] = "https://cognito-idp.us-east-1.amazonaws.com/" + pool }),
		"updated-iss":  access(func(c core.AuthorizerClaims) { c["iss"] = "https://issuer-cognito-idp.eu-west-2.amazonaws.com/" + pool }),
		"other-client": access(func(c core.AuthorizerClaims) { c["client_id"] = "someoneelse" }),
		"other-aud":    id(func(c core.AuthorizerClaims) { c["aud"] = "someoneelse" }),
		"no-sub":       access(func(c core.AuthorizerClaims) { delete(c, "sub") }),
		"expired":      access(func(c core.AuthorizerClaims) { c["exp"] = jsonNumber(time.Now().Add(-time.Hour).Unix()) }),
		"expired-date": id(func(c core.AuthorizerClaims) {
			c["exp"] = time.Now().Add(-time.Hour).UTC().Format("Mon Jan 02 15:04:05 MST 2006")
		}),
		"bad-exp":    access(func(c core.AuthorizerClaims) { c["exp"] = "soon" }),
		"no-exp":     access(func(c core.AuthorizerClaims) { delete(c, "exp") }),
		"refresh":    access(func(c core.AuthorizerClaims) { c["token_use"] = "refresh" }),
		"unverified": id(func(c core.AuthorizerClaims) { c["email_verified"] = "false" }),
	}
	type want struct {
		status int
		code   core.Code
		body   string
	}
	for _, payload := range []string{lambdalocal.PayloadREST, lambdalocal.PayloadHTTPAPI} {
		t.Run("payload "+payload, func(t *testing.T) {
			base, seen := authorizerApp(t, payload, true, claims)
			for _, tc := range []struct {
				claims, path string
				want         want
			}{
				{"access", "/me", want{200, "", `"groups":["admins","staff"]`}},
				{"access", "/admin", want{200, "", `"client":"` + client + `"`}},
				{"id", "/me", want{200, "", `"email":"alice@example.com","groups":["staff","admins"]`}},
				{"updated-iss", "/me", want{200, "", `"pool":"` + pool + `"`}},
				{"staff", "/admin", want{403, core.CodeRouteForbidden, ""}},
				{"other-pool", "/me", want{401, core.CodeIssuerMismatch, ""}},
				{"other-region", "/me", want{401, core.CodeIssuerMismatch, ""}},
				{"other-client", "/me", want{401, core.CodeClientMismatch, ""}},
				{"other-aud", "/me", want{401, core.CodeAudienceMismatch, ""}},
				{"no-sub", "/me", want{401, core.CodeMissingSub, ""}},
				{"expired", "/me", want{401, core.CodeTokenExpired, ""}},
				{"expired-date", "/me", want{401, core.CodeTokenExpired, ""}},
				{"bad-exp", "/me", want{401, core.CodeInvalidExp, ""}},
				{"no-exp", "/me", want{401, core.CodeMissingExp, ""}},
				{"refresh", "/me", want{401, core.CodeTokenUse, ""}},
				{"unverified", "/me", want{403, core.CodeEmailUnverified, ""}},
			} {
				status, body := get(t, base+tc.path, map[string]string{"X-Test-Claims": tc.claims, "Accept": "application/json"})
				code := seen.take()
				if status != tc.want.status || code != tc.want.code || !strings.Contains(body, tc.want.body) {
					t.Errorf("%s %s: %d %s %q; want %d %s %q", tc.claims, tc.path, status, code, body, tc.want.status, tc.want.code, tc.want.body)
				}
			}
			// Observers see which source decided.
			get(t, base+"/me", map[string]string{"X-Test-Claims": "access", "Accept": "application/json"})
			if source, p := seen.decided(); source != core.SourceAPIGatewayAuthorizer || p != pool {
				t.Errorf("observed decision: source %q pool %q; want %q %q", source, p, core.SourceAPIGatewayAuthorizer, pool)
			}
			// API Gateway itself refuses a request its authorizer refused.
			if status, _ := get(t, base+"/me", nil); status != http.StatusUnauthorized {
				t.Errorf("no token at API Gateway: %d", status)
			}
		})
	}
	t.Run("not trusted", func(t *testing.T) {
		base, seen := authorizerApp(t, lambdalocal.PayloadHTTPAPI, false, claims)
		if status, _ := get(t, base+"/me", map[string]string{"X-Test-Claims": "access", "Accept": "application/json"}); status != http.StatusUnauthorized || seen.take() != core.CodeMissingToken {
			t.Fatalf("claims used without COGNITO_AUTH_TRUST_APIGATEWAY_AUTHORIZER: %d", status)
		}
	})
}

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }

func get(t *testing.T, u string, h map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
