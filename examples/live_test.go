package examples_test

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/examples/internal/demo"
	"github.com/cognitoauth/cognito-auth-go/ginauth"
	"github.com/cognitoauth/cognito-auth-go/nethttpauth"
)

// liveApps serves the examples' /ws and /events (demo.Socket, demo.Events)
// behind the gin and net/http adapters, as examples/gin and examples/nethttp
// wire them, trusting iss.
func liveApps(t *testing.T, iss *ct.Issuer, opts ...core.Option) map[string]string {
	t.Helper()
	coreOpts := append(iss.Options(), opts...)
	g, err := ginauth.New(ginauth.WithCoreOptions(coreOpts...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(g.ProtectApp())
	r.GET("/ws", func(c *gin.Context) { demo.Socket(c.Writer, c.Request) })
	r.GET("/events", func(c *gin.Context) { demo.Events(c.Writer, c.Request) })

	n, err := nethttpauth.New(nethttpauth.WithCoreOptions(coreOpts...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws", demo.Socket)
	mux.HandleFunc("GET /events", demo.Events)

	urls := map[string]string{}
	for name, h := range map[string]http.Handler{"gin": r, "nethttp": n.ProtectApp(mux)} {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		urls[name] = srv.URL
	}
	return urls
}

// accessExp is the exp claim of an access token (the test reads its own
// token).
func accessExp(t *testing.T, token string) time.Time {
	t.Helper()
	parts := strings.Split(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Exp int64 `json:"exp"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	return time.Unix(c.Exp, 0)
}

func dial(t *testing.T, base string, h http.Header) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	h = h.Clone()
	if h.Get("Origin") == "" {
		h.Set("Origin", base) // a browser on the app's own page
	}
	c, resp, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(base, "http")+"/ws", &websocket.DialOptions{HTTPHeader: h})
	if c != nil {
		t.Cleanup(func() { _ = c.CloseNow() })
	}
	return c, resp, err
}

// TestWebSocketEndsWithTheSignIn: a WebSocket client on loopback stays
// connected and echoed before the access token expires, and is closed with
// 1008 "sign-in expired" within a second of its expiry.
func TestWebSocketEndsWithTheSignIn(t *testing.T) {
	iss := ct.Start(t)
	for name, base := range liveApps(t, iss) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := iss.Mint(ct.User{Email: "alice@example.com", Groups: []string{"staff"}}, ct.ExpiresIn(3*time.Second))
			exp := accessExp(t, h.AccessToken)
			c, _, err := dial(t, base, h.Header())
			if err != nil {
				t.Fatal(err)
			}
			for i, msg := range []string{"hello", "still here"} {
				if i > 0 {
					time.Sleep(time.Until(exp) / 2) // well before expiry: still connected
				}
				if err := c.Write(t.Context(), websocket.MessageText, []byte(msg)); err != nil {
					t.Fatalf("write %q before expiry: %v", msg, err)
				}
				_, got, err := c.Read(t.Context())
				if err != nil || string(got) != "alice@example.com: "+msg {
					t.Fatalf("echo of %q: %q, %v", msg, got, err)
				}
			}
			_, _, err = c.Read(t.Context())
			closedAt := time.Now()
			var ce websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != websocket.StatusPolicyViolation || ce.Reason != "sign-in expired" {
				t.Fatalf("at expiry: %v, want close 1008 \"sign-in expired\"", err)
			}
			if late := closedAt.Sub(exp); late < 0 || late > time.Second {
				t.Fatalf("closed %v after the token's expiry, want within a second, not before", late)
			}
			t.Logf("closed %v after the access token's expiry", closedAt.Sub(exp).Round(time.Millisecond))
		})
	}
}

// TestWebSocketRefused: the upgrade is checked like any request, plus its
// Origin; a refused upgrade never reaches the handler.
func TestWebSocketRefused(t *testing.T) {
	iss := ct.Start(t)
	alice := ct.User{Email: "alice@example.com", Groups: []string{"staff"}}
	cross := iss.Mint(alice).Header()
	cross.Set("Origin", "https://evil.example")
	null := iss.Mint(alice).Header()
	null.Set("Origin", "null")
	tests := []struct {
		name   string
		header http.Header
		status int
	}{
		{"another site's page (cross-site WebSocket hijacking)", cross, http.StatusForbidden},
		{"a sandboxed page (Origin null)", null, http.StatusForbidden},
		{"expired token", iss.Mint(alice, ct.Expired()).Header(), http.StatusUnauthorized},
		{"tampered token", iss.Mint(alice, ct.TamperedAccess()).Header(), http.StatusUnauthorized},
		{"no credentials", http.Header{}, http.StatusUnauthorized},
	}
	for name, base := range liveApps(t, iss) {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				_, resp, err := dial(t, base, tt.header)
				if err == nil {
					t.Fatal("connected")
				}
				if resp == nil || resp.StatusCode != tt.status {
					t.Fatalf("handshake answered %v, want %d (%v)", resp, tt.status, err)
				}
			})
		}
	}
}

// TestEventsEndWithTheSignIn: a server-sent events client gets a tick a
// second naming the user, then a last signin-expired event within a second
// of the access token's expiry, and the stream ends.
func TestEventsEndWithTheSignIn(t *testing.T) {
	iss := ct.Start(t)
	for name, base := range liveApps(t, iss) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := iss.Mint(ct.User{Email: "bob@example.com", Groups: []string{"staff"}}, ct.ExpiresIn(3*time.Second))
			exp := accessExp(t, h.AccessToken)
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/events", nil)
			req.Header = h.Header()
			req.Header.Set("Accept", "text/event-stream")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = resp.Body.Close() }()
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
				t.Fatalf("events: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			var events []string
			var event string
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				line := sc.Text()
				switch {
				case strings.HasPrefix(line, "event: "):
					event = strings.TrimPrefix(line, "event: ")
				case strings.HasPrefix(line, "data: "):
					events = append(events, event+" "+strings.TrimPrefix(line, "data: "))
				}
			}
			endedAt := time.Now()
			if len(events) < 2 || events[0] != "tick bob@example.com 1" {
				t.Fatalf("events %q, want ticks naming bob", events)
			}
			if last := events[len(events)-1]; last != "signin-expired sign-in expired" {
				t.Fatalf("last event %q, want signin-expired", last)
			}
			if late := endedAt.Sub(exp); late < 0 || late > time.Second {
				t.Fatalf("stream ended %v after the token's expiry, want within a second, not before", late)
			}
			t.Logf("%d ticks, then signin-expired %v after the expiry", len(events)-1, endedAt.Sub(exp).Round(time.Millisecond))
		})
	}
}

// TestEventsRefused: a stream with an expired token never starts.
func TestEventsRefused(t *testing.T) {
	iss := ct.Start(t)
	for name, base := range liveApps(t, iss) {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/events", nil)
			req.Header = iss.Mint(ct.User{Email: "bob@example.com"}, ct.Expired()).Header()
			req.Header.Set("Accept", "text/event-stream")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("expired token: %d", resp.StatusCode)
			}
		})
	}
}
