package core_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// revalidating serves machineRouter with revocation checks every every
// against a fresh local hosted UI of the shared issuer (its userInfo
// endpoint), plus opts.
func revalidating(t *testing.T, every time.Duration, opts ...core.Option) (*ct.HostedUI, func(path string, h http.Header) (int, string, http.Header)) {
	t.Helper()
	ui := issuer.StartHostedUI()
	t.Cleanup(ui.Close)
	a, _ := newAuth(t, nil, append([]core.Option{core.WithBearer(true), core.WithRevalidation(every, ui.URL())}, opts...)...)
	srv := machineRouter(t, a)
	return ui, func(path string, h http.Header) (int, string, http.Header) {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
		req.Header = h
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("X-Test-Code"), resp.Header
	}
}

// until sleeps until t.
func until(at time.Time) { time.Sleep(time.Until(at)) }

// issuedAt is when the token was issued (its iat, whole seconds).
func issuedAt(t *testing.T, tok string) time.Time {
	t.Helper()
	return tokenTime(t, tok, "iat")
}

// tokenTime reads a NumericDate claim of a token the test minted.
func tokenTime(t *testing.T, tok, claim string) time.Time {
	t.Helper()
	parts := strings.Split(tok, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	f, _ := c[claim].(float64)
	return time.Unix(int64(f), 0)
}

// TestRevocationIsNoticedWithinTheInterval: behind an ALB, a token is
// trusted for the interval after it was issued, then checked with userInfo
// once per interval; after a global sign-out the next check after the
// interval refuses it (token_revoked), not before, and it stays refused
// without asking again.
func TestRevocationIsNoticedWithinTheInterval(t *testing.T) {
	const every = 2 * time.Second
	ui, get := revalidating(t, every)
	h := issuer.Mint(ct.User{Username: "rv-alice", Email: "rv-alice@example.com", Groups: []string{"staff"}})
	iat := issuedAt(t, h.AccessToken)
	if status, _, _ := get("/", h.Header()); status != http.StatusOK || ui.UserInfoCalls() != 0 {
		t.Fatalf("a fresh token: %d after %d userInfo calls, want 200 and none (Cognito just issued it)", status, ui.UserInfoCalls())
	}
	until(iat.Add(every + 100*time.Millisecond))
	if status, _, _ := get("/", h.Header()); status != http.StatusOK || ui.UserInfoCalls() != 1 {
		t.Fatalf("after the interval: %d after %d userInfo calls, want 200 and one check", status, ui.UserInfoCalls())
	}
	checked := time.Now()
	if n := ui.GlobalSignOut("rv-alice"); n != 0 {
		t.Logf("ended %d hosted-UI sign-ins", n)
	}
	revoked := time.Now()
	if status, _, _ := get("/", h.Header()); status != http.StatusOK || ui.UserInfoCalls() != 1 {
		t.Fatalf("just after the sign-out: %d after %d calls, want 200 (checked moments ago) and no new check", status, ui.UserInfoCalls())
	}
	var refused time.Time
	for deadline := time.Now().Add(3 * every); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		status, code, _ := get("/", h.Header())
		if status == http.StatusOK {
			continue
		}
		if status != http.StatusUnauthorized || code != string(core.CodeTokenRevoked) {
			t.Fatalf("after the sign-out: %d %s, want 401 token_revoked", status, code)
		}
		refused = time.Now()
		break
	}
	switch {
	case refused.IsZero():
		t.Fatalf("still let in %v after the sign-out", 3*every)
	case refused.Before(checked.Add(every - 100*time.Millisecond)):
		t.Fatalf("refused %v after the last check, before the interval %v", refused.Sub(checked), every)
	case refused.Sub(revoked) > every+500*time.Millisecond:
		t.Fatalf("refused %v after the sign-out, want within the interval %v", refused.Sub(revoked), every)
	}
	t.Logf("sign-out to refusal: %v (interval %v); userInfo calls: %d", refused.Sub(revoked).Round(10*time.Millisecond), every, ui.UserInfoCalls())
	calls := ui.UserInfoCalls()
	for range 5 {
		if status, code, _ := get("/", h.Header()); status != http.StatusUnauthorized || code != string(core.CodeTokenRevoked) {
			t.Fatalf("a revoked token let in again: %d %s", status, code)
		}
	}
	if ui.UserInfoCalls() != calls {
		t.Fatalf("a revoked token was checked again: %d more calls", ui.UserInfoCalls()-calls)
	}
}

// TestRevocationCheckIsSingleFlight: 50 concurrent requests of one token
// due for its check make exactly one userInfo call, and each is answered.
func TestRevocationCheckIsSingleFlight(t *testing.T) {
	const every = time.Second
	ui, get := revalidating(t, every)
	for _, mode := range []string{"alb", "bearer"} {
		t.Run(mode, func(t *testing.T) {
			h := issuer.Mint(ct.User{Username: "rv-bob-" + mode, Email: "rv-bob@example.com", Groups: []string{"staff"}})
			hdr := h.Header()
			if mode == "bearer" {
				hdr = bearer(h.AccessToken)
			}
			until(issuedAt(t, h.AccessToken).Add(every + 100*time.Millisecond))
			before := ui.UserInfoCalls()
			var wg sync.WaitGroup
			statuses := make(chan int, 50)
			for range 50 {
				wg.Go(func() {
					status, _, _ := get("/staff", hdr.Clone())
					statuses <- status
				})
			}
			wg.Wait()
			close(statuses)
			for s := range statuses {
				if s != http.StatusOK {
					t.Fatalf("a concurrent request got %d", s)
				}
			}
			if n := ui.UserInfoCalls() - before; n != 1 {
				t.Fatalf("50 concurrent requests made %d userInfo calls, want 1", n)
			}
		})
	}
}

// TestRevokedBearerToken: an API client's token revoked by a global
// sign-out is refused at its next check.
func TestRevokedBearerToken(t *testing.T) {
	const every = time.Second
	ui, get := revalidating(t, every)
	h := issuer.Mint(ct.User{Username: "rv-carol", Email: "rv-carol@example.com", Groups: []string{"staff"}})
	if status, _, _ := get("/", bearer(h.AccessToken)); status != http.StatusOK {
		t.Fatalf("before: %d", status)
	}
	ui.GlobalSignOut("rv-carol")
	until(issuedAt(t, h.AccessToken).Add(every + 100*time.Millisecond))
	if status, code, hdr := get("/", bearer(h.AccessToken)); status != http.StatusUnauthorized || code != string(core.CodeTokenRevoked) ||
		!strings.Contains(hdr.Get("WWW-Authenticate"), "invalid_token") {
		t.Fatalf("revoked bearer token: %d %s %q, want 401 token_revoked with WWW-Authenticate invalid_token", status, code, hdr.Get("WWW-Authenticate"))
	}
}

// TestRevocationCheckOutage: when userInfo cannot be reached, a token due
// for its check is refused 503 revalidation_unavailable with Retry-After
// (fail closed), or with a grace period kept for that long past its due
// check.
func TestRevocationCheckOutage(t *testing.T) {
	const every = time.Second
	for _, tc := range []struct {
		name  string
		grace time.Duration
	}{{"fail closed", 0}, {"grace", 2 * time.Second}} {
		t.Run(tc.name, func(t *testing.T) {
			ui, get := revalidating(t, every, core.WithRevalidationGrace(tc.grace))
			ui.Close() // userInfo is down
			h := issuer.Mint(ct.User{Username: "rv-dan", Email: "rv-dan@example.com", Groups: []string{"staff"}})
			iat := issuedAt(t, h.AccessToken)
			until(iat.Add(every + 100*time.Millisecond))
			status, code, hdr := get("/", h.Header())
			if tc.grace == 0 {
				if status != http.StatusServiceUnavailable || code != string(core.CodeRevalidationUnavailable) || hdr.Get("Retry-After") == "" {
					t.Fatalf("userInfo down: %d %s Retry-After %q, want 503 revalidation_unavailable with Retry-After", status, code, hdr.Get("Retry-After"))
				}
				return
			}
			if status != http.StatusOK {
				t.Fatalf("userInfo down within the grace: %d %s, want 200", status, code)
			}
			until(iat.Add(every + tc.grace + 100*time.Millisecond))
			if status, code, _ := get("/", h.Header()); status != http.StatusServiceUnavailable || code != string(core.CodeRevalidationUnavailable) {
				t.Fatalf("userInfo down past the grace: %d %s, want 503", status, code)
			}
		})
	}
}

// TestRevocationCheckNeedsOpenID: userInfo answers only for tokens with the
// openid scope, so with checks on, a token without it is refused with its
// own code rather than trusted unchecked.
func TestRevocationCheckNeedsOpenID(t *testing.T) {
	_, get := revalidating(t, time.Minute)
	h := issuer.Mint(ct.User{Username: "rv-erin", Email: "rv-erin@example.com"}, ct.WithAccessClaim("scope", "email"))
	if status, code, _ := get("/", bearer(h.AccessToken)); status != http.StatusUnauthorized || code != string(core.CodeNotRevalidatable) {
		t.Fatalf("no openid scope: %d %s, want 401 token_not_revalidatable", status, code)
	}
}

// TestRevocationCheckSkipsMachines: client-credentials tokens have no user
// for userInfo to answer for; they are not checked.
func TestRevocationCheckSkipsMachines(t *testing.T) {
	ui, get := revalidating(t, time.Second, core.WithMachineClientIDs(ordersClient))
	tok := issuer.MintMachine(ordersClient, []string{"orders/read"})
	until(issuedAt(t, tok).Add(1100 * time.Millisecond))
	if status, code, _ := get("/orders", bearer(tok)); status != http.StatusOK || ui.UserInfoCalls() != 0 {
		t.Fatalf("machine token: %d %s, %d userInfo calls; want 200 and none", status, code, ui.UserInfoCalls())
	}
}

func TestRevalidationConfig(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		opts []core.Option
		want string
	}{
		{"no domain", nil, []core.Option{core.WithRevalidation(5*time.Minute, "")}, core.EnvDomain},
		{"not a duration", map[string]string{core.EnvRevalidateEvery: "often", core.EnvDomain: "myapp"}, nil, core.EnvRevalidateEvery},
		{"negative grace", map[string]string{core.EnvRevalidateEvery: "5m", core.EnvRevalidateGrace: "-1m", core.EnvDomain: "myapp"}, nil, core.EnvRevalidateGrace},
		{"a domain that is not one", map[string]string{core.EnvRevalidateEvery: "5m", core.EnvDomain: "my app!"}, nil, core.EnvDomain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := append(append(issuer.Options(), core.WithEnvironment(envMap(tt.env)), core.WithBearer(true)), tt.opts...)
			a, err := core.New(opts...)
			if err == nil {
				_ = a.Close()
				t.Fatal("accepted")
			}
			if !errors.Is(err, core.ErrConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want a configuration error naming %s", err, tt.want)
			}
		})
	}
	ok, err := core.New(append(issuer.Options(), core.WithEnvironment(envMap(map[string]string{core.EnvRevalidateEvery: "5m", core.EnvDomain: "myapp"})), core.WithBearer(true))...)
	if err != nil {
		t.Fatalf("a valid revocation configuration refused: %v", err)
	}
	_ = ok.Close()
}
