package examples_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/labstack/echo/v4"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/echoauth"
	"github.com/cognitoauth/cognito-auth-go/ginauth"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth/lambdalocal"
	"github.com/cognitoauth/cognito-auth-go/nethttpauth"
)

// frameworkApps build the docs' "framework apps on Lambda" recipes: each
// framework's own adapter protects the app and mounts the hosted-UI routes
// (at "/…": API Gateway strips the stage before the app sees the path), and
// lambdaauth's bridge turns events into requests.
var frameworkApps = map[string]func(t *testing.T, auth *core.BaseAuth, ui *conformanceUI) http.Handler{
	"gin": func(t *testing.T, base *core.BaseAuth, ui *conformanceUI) http.Handler {
		auth, err := ginauth.New(ginauth.WithBaseAuth(base))
		if err != nil {
			t.Fatal(err)
		}
		r := gin.New()
		r.Use(auth.ProtectApp())
		if ui != nil {
			ginauth.MountHostedUI(r, ui.UI)
		}
		r.GET("/", func(c *gin.Context) { c.String(http.StatusOK, "hello "+ginauth.User(c).Email) })
		r.GET("/reports", func(c *gin.Context) { c.String(http.StatusOK, "reports for "+ginauth.User(c).Email) })
		return r
	},
	"echo": func(t *testing.T, base *core.BaseAuth, ui *conformanceUI) http.Handler {
		auth, err := echoauth.New(echoauth.WithBaseAuth(base))
		if err != nil {
			t.Fatal(err)
		}
		e := echo.New()
		e.Use(auth.ProtectApp())
		if ui != nil {
			echoauth.MountHostedUI(e, ui.UI)
		}
		e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, "hello "+echoauth.User(c).Email) })
		e.GET("/reports", func(c echo.Context) error { return c.String(http.StatusOK, "reports for "+echoauth.User(c).Email) })
		return e
	},
	"chi": func(t *testing.T, base *core.BaseAuth, ui *conformanceUI) http.Handler {
		auth, err := nethttpauth.New(nethttpauth.WithBaseAuth(base))
		if err != nil {
			t.Fatal(err)
		}
		r := chi.NewRouter()
		r.Use(auth.ProtectApp)
		if ui != nil {
			for _, rt := range ui.UI.Routes() {
				r.Method(rt.Method, rt.Path, ui.UI.Handler())
			}
		}
		r.Get("/", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "hello "+nethttpauth.User(r).Email)
		})
		r.Get("/reports", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "reports for "+nethttpauth.User(r).Email)
		})
		return r
	},
	"net/http": func(t *testing.T, base *core.BaseAuth, ui *conformanceUI) http.Handler {
		auth, err := nethttpauth.New(nethttpauth.WithBaseAuth(base))
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		if ui != nil {
			ui.UI.Mount(mux)
		}
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "hello "+nethttpauth.User(r).Email)
		})
		mux.HandleFunc("GET /reports", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "reports for "+nethttpauth.User(r).Email)
		})
		return auth.ProtectApp(mux)
	},
}

// conformanceUI is the hosted UI of a conformance app (nil: none).
type conformanceUI struct{ conformance.HostedUIApp }

// bridge is how the recipe hands the app to lambda.Start.
func bridge(payload string, h http.Handler, auto bool) any {
	switch {
	case auto:
		return lambdaauth.Proxy(h)
	case payload == lambdalocal.PayloadHTTPAPI:
		return lambdaauth.ProxyHTTPAPI(h)
	}
	return lambdaauth.ProxyREST(h)
}

// TestFrameworkAppsOnLambda walks the hosted-UI login (protected page,
// hosted UI, callback, silent refresh, CSRF-checked logout) through each
// framework's app on Lambda, behind the API Gateway stand-in on stage Prod,
// for both payload formats, with the typed bridges and with Proxy's
// detection of the event's shape.
func TestFrameworkAppsOnLambda(t *testing.T) {
	for name, build := range frameworkApps {
		for _, payload := range []string{lambdalocal.PayloadREST, lambdalocal.PayloadHTTPAPI} {
			for _, auto := range []bool{false, true} {
				t.Run(name+"/payload "+payload+map[bool]string{false: "/typed", true: "/Proxy"}[auto], func(t *testing.T) {
					conformance.RunHostedUIAt(t, func(t *testing.T, app conformance.HostedUIApp, ln net.Listener) {
						fn := bridge(payload, build(t, app.Auth, &conformanceUI{app}), auto)
						gw := &lambdalocal.Gateway{Payload: payload, Stage: "Prod", Invoke: lambdalocal.Handler(fn)}
						srv := &http.Server{Handler: gw, ReadHeaderTimeout: 5 * time.Second}
						go func() { _ = srv.Serve(ln) }()
						t.Cleanup(func() { _ = srv.Close() })
					}, "/Prod")
				})
			}
		}
	}
}

// TestFrameworkAppsTrustTheAuthorizer: a framework app whose BaseAuth
// trusts the API Gateway authorizer reads the user from the claims the
// bridge put in the request's context, in both shapes; claims naming
// another pool are refused.
func TestFrameworkAppsTrustTheAuthorizer(t *testing.T) {
	iss := ct.Start(t)
	base, err := core.New(append(iss.Options(), core.WithALBARNs(), core.WithAPIGatewayAuthorizer(true),
		core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = base.Close() })
	claims := map[string]map[string]string{
		"good": {
			"iss": iss.IssuerURL(), "token_use": "id", "aud": iss.ClientID(), "sub": "11111111-2222-3333-4444-555555555555",
			"email": "ada@example.com", "email_verified": "true", "exp": time.Now().Add(time.Hour).UTC().Format("Mon Jan 02 15:04:05 MST 2006"),
		},
		"other-pool": {
			"iss": "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Elsewhere", "token_use": "id", "aud": iss.ClientID(),
			"sub": "11111111-2222-3333-4444-555555555555", "exp": "4102444800",
		},
	}
	for name, build := range frameworkApps {
		for _, payload := range []string{lambdalocal.PayloadREST, lambdalocal.PayloadHTTPAPI} {
			t.Run(name+"/payload "+payload, func(t *testing.T) {
				gw := &lambdalocal.Gateway{
					Payload: payload, Stage: "Prod", Invoke: lambdalocal.Handler(lambdaauth.Proxy(build(t, base, nil))),
					Authorizer: func(r *http.Request) (map[string]string, bool) {
						c, ok := claims[r.Header.Get("X-Test-Claims")]
						return c, ok
					},
				}
				srv := httptestServer(t, gw)
				for _, tc := range []struct {
					claims string
					status int
					body   string
				}{{"good", 200, "hello ada@example.com"}, {"other-pool", 401, ""}, {"", 401, ""}} {
					req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv+"/Prod/", nil)
					req.Header.Set("X-Test-Claims", tc.claims)
					req.Header.Set("Accept", "application/json")
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					b, _ := io.ReadAll(resp.Body)
					_ = resp.Body.Close()
					if resp.StatusCode != tc.status || (tc.body != "" && string(b) != tc.body) {
						t.Errorf("claims %q: %d %q; want %d %q", tc.claims, resp.StatusCode, b, tc.status, tc.body)
					}
				}
			})
		}
	}
}

func httptestServer(t *testing.T, h http.Handler) string {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}
