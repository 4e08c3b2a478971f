package m2m_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/m2m"
)

// protected serves a service that verifies the bearer token with core and
// answers "machine <client> <scopes>", or 401.
func protected(t *testing.T, s *standIn) *httptest.Server {
	t.Helper()
	v, err := core.NewVerifier(append(s.iss.VerifierOptions(), core.WithMachineClientIDs(worker))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		u, err := v.VerifyAccessToken(r.Context(), tok)
		if !ok || err != nil || !u.Machine {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, "machine "+u.ClientID+" "+strings.Join(u.Scopes, " "))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, c *http.Client, u string) (int, string, error) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

// TestClient: the client's requests carry the token, which the protected
// service verifies as the machine client; the token is fetched once for
// many requests.
func TestClient(t *testing.T) {
	s := startStandIn(t, time.Hour)
	svc := protected(t, s)
	c := s.source(t, m2m.WithScopes("orders/read")).Client(t.Context())
	for range 5 {
		status, body, err := get(t, c, svc.URL+"/orders")
		if err != nil || status != http.StatusOK || body != "machine "+worker+" orders/read" {
			t.Fatalf("%d %q %v", status, body, err)
		}
	}
	if got := s.ui.MachineTokenCalls(); got != 1 {
		t.Fatalf("%d token requests for 5 calls, want 1", got)
	}
}

// TestClientRedirects: a redirect to the same host is followed with the
// token; one to another host is not, so the token never goes there.
func TestClientRedirects(t *testing.T) {
	s := startStandIn(t, time.Hour)
	var leaked string
	elsewhere := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		leaked = r.Header.Get("Authorization")
	}))
	t.Cleanup(elsewhere.Close)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/here":
			http.Redirect(w, r, "/there", http.StatusFound)
		case "/there":
			if r.Header.Get("Authorization") == "" {
				http.Error(w, "no token", http.StatusUnauthorized)
				return
			}
			_, _ = io.WriteString(w, "followed")
		default:
			http.Redirect(w, r, elsewhere.URL+"/steal", http.StatusFound)
		}
	}))
	t.Cleanup(front.Close)
	c := s.source(t).Client(context.Background())
	if status, body, err := get(t, c, front.URL+"/here"); err != nil || status != http.StatusOK || body != "followed" {
		t.Fatalf("same host: %d %q %v", status, body, err)
	}
	if status, _, err := get(t, c, front.URL+"/away"); err != nil || status != http.StatusFound || leaked != "" {
		t.Fatalf("another host: %d %v, token sent there: %q", status, err, leaked)
	}
}

// TestClientTokenError: a request that gets no token fails with the
// TokenError, before anything is sent to the service.
func TestClientTokenError(t *testing.T) {
	s := startStandIn(t, time.Hour)
	sent := false
	svc := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { sent = true }))
	t.Cleanup(svc.Close)
	c := s.source(t, m2m.WithClient(worker, "wrong")).Client(t.Context())
	_, _, err := get(t, c, svc.URL)
	var te *m2m.TokenError
	if !errors.As(err, &te) || te.Code != "invalid_client" || sent {
		t.Fatalf("%v (sent: %v)", err, sent)
	}
}

// TestClientFromContext: the client takes the transport and timeout of the
// *http.Client in the context.
func TestClientFromContext(t *testing.T) {
	s := startStandIn(t, time.Hour)
	svc := protected(t, s)
	var used bool
	base := &http.Client{Timeout: 7 * time.Second, Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		used = true
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := s.source(t).Client(context.WithValue(t.Context(), oauth2.HTTPClient, base))
	if status, _, err := get(t, c, svc.URL); err != nil || status != http.StatusOK || !used || c.Timeout != 7*time.Second {
		t.Fatalf("%d %v, base transport used %v, timeout %v", status, err, used, c.Timeout)
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
