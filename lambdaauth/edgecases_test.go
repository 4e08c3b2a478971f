package lambdaauth_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth/lambdalocal"
)

// restSessionApp serves a REST API function with the hosted UI under /Prod:
// /public is bypassed and asks GetAuthUserREST itself; /pref sets a cookie
// of its own with the single-value Headers map.
func restSessionApp(t *testing.T) *conformance.HostedUIEnv {
	return conformance.StartHostedUIAt(t, func(t *testing.T, app conformance.HostedUIApp, ln net.Listener) {
		auth, err := lambdaauth.New(lambdaauth.WithBaseAuth(app.Auth), lambdaauth.WithHostedUI(app.UI), lambdaauth.WithBypass("/public"))
		if err != nil {
			t.Fatal(err)
		}
		fn := auth.ProtectREST(func(ctx context.Context, e events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
			switch e.Path {
			case "/public":
				greeting := "anonymous"
				if u, err := auth.GetAuthUserREST(ctx, &e); err == nil {
					greeting = "hi " + u.Email
				}
				return lambdaauth.RESTResponse(http.StatusOK, nil, greeting), nil
			case "/pref":
				return events.APIGatewayProxyResponse{
					StatusCode: http.StatusOK, Body: "pref",
					Headers: map[string]string{"Set-Cookie": "pref=dark; Path=/"},
				}, nil
			}
			return lambdaauth.RESTResponse(http.StatusOK, nil, "hello "+lambdaauth.User(ctx).Email), nil
		})
		serveGateway(t, ln, lambdalocal.PayloadREST, "Prod", fn, nil)
	}, 2*time.Second, "/Prod")
}

func getWithCookie(t *testing.T, u, cookie string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	req.Header.Set("Cookie", cookie)
	req.Header.Set("Accept", "application/json")
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func cookieNames(resp *http.Response) []string {
	var names []string
	for _, c := range resp.Cookies() {
		names = append(names, c.Name)
	}
	return names
}

// TestSessionCookiesReachTheResponse: a session refreshed by GetAuthUserREST
// on a bypass path, or by the guard on a route whose handler sets its own
// cookie in the single-value Headers map, sends every cookie back.
func TestSessionCookiesReachTheResponse(t *testing.T) {
	env := restSessionApp(t)
	cookie := env.SignIn(t, "alice")
	time.Sleep(1700 * time.Millisecond) // 2 s tokens: the next request refreshes

	refreshes := env.UI.RefreshCalls()
	resp, body := getWithCookie(t, env.URL+"/public", cookie)
	if body != "hi alice@example.com" || env.UI.RefreshCalls() != refreshes+1 || len(resp.Cookies()) == 0 {
		t.Fatalf("GetAuthUserREST on a bypass path after expiry: %q refreshes=%d cookies=%v; want the refreshed session cookie",
			body, env.UI.RefreshCalls()-refreshes, cookieNames(resp))
	}

	cookie = env.SignIn(t, "alice")
	time.Sleep(1700 * time.Millisecond)
	resp, body = getWithCookie(t, env.URL+"/pref", cookie)
	names := strings.Join(cookieNames(resp), " ")
	if body != "pref" || !strings.Contains(names, "pref") || !strings.Contains(names, "cognito") {
		t.Fatalf("handler cookie with a refreshed session: %q cookies=%q; want both", body, names)
	}
}

// TestMalformedCookieDoesNotHideTheSession: another app's malformed cookie
// on the same Cookie line (REST events carry one line) does not log the
// user out.
func TestMalformedCookieDoesNotHideTheSession(t *testing.T) {
	env := restSessionApp(t)
	cookie := env.SignIn(t, "alice")
	for _, line := range []string{cookie, `theme="dark; ` + cookie, cookie + "; tracking id=1", cookie + ";"} {
		if resp, body := getWithCookie(t, env.URL+"/", line); resp.StatusCode != http.StatusOK || body != "hello alice@example.com" {
			t.Errorf("Cookie %q: %d %q; want 200", strings.ReplaceAll(line, cookie, "<session>"), resp.StatusCode, body)
		}
	}
}

// TestProxyKeepsBodyBytes: compressed text and text in another charset go
// back base64-encoded, byte for byte; UTF-8 text as is.
func TestProxyKeepsBodyBytes(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte("<p>hello</p>"))
	_ = zw.Close()
	for _, tc := range []struct {
		name, contentType, encoding string
		body                        []byte
	}{
		{"gzip html", "text/html; charset=utf-8", "gzip", gz.Bytes()},
		{"latin-1 text", "text/plain; charset=iso-8859-1", "", []byte("caf\xe9")},
		{"utf-8 text", "text/plain; charset=utf-8", "", []byte("café")},
		{"png", "image/png", "", []byte("\x89PNG\r\n\x1a\n\x00\x01")},
	} {
		for _, payload := range []string{lambdalocal.PayloadREST, lambdalocal.PayloadHTTPAPI} {
			app := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				if tc.encoding != "" {
					w.Header().Set("Content-Encoding", tc.encoding)
				}
				_, _ = w.Write(tc.body)
			})
			ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			serveGateway(t, ln, payload, "Prod", lambdaauth.Proxy(app), nil)
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+ln.Addr().String()+"/Prod/x", nil)
			resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if !bytes.Equal(got, tc.body) {
				t.Errorf("%s, payload %s: got %q, want %q", tc.name, payload, got, tc.body)
			}
		}
	}
}

// TestHTTPAPIPaths: an HTTP API's rawPath is percent-encoded and keeps a
// named stage; the app sees the decoded path without the stage, and an
// escaped slash stays escaped for routers that look at the raw path.
func TestHTTPAPIPaths(t *testing.T) {
	e := &events.APIGatewayV2HTTPRequest{RawPath: "/Prod/a%20b%2Fc"}
	e.RequestContext.Stage = "Prod"
	if got := lambdaauth.HTTPAPIPath(e); got != "/a b/c" {
		t.Fatalf("HTTPAPIPath: %q", got)
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.Path+" "+r.URL.EscapedPath())
	})
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveGateway(t, ln, lambdalocal.PayloadHTTPAPI, "Prod", lambdaauth.Proxy(app), nil)
	if status, body := get(t, "http://"+ln.Addr().String()+"/Prod/a%20b%2Fc", nil); status != http.StatusOK || body != "/a b/c /a%20b%2Fc" {
		t.Fatalf("through the bridge: %d %q", status, body)
	}
}
