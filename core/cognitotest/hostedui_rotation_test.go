package cognitotest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// signedIn signs alice in on a public client's hosted UI and returns her
// tokens.
func (f *flow) signedIn() tokens {
	f.t.Helper()
	v := strings.Repeat("v", 43)
	status, tk := f.post("/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {appClient}, "code": {f.code(v)}, "redirect_uri": {callback}, "code_verifier": {v}}, nil)
	if status != http.StatusOK || tk.RefreshToken == "" {
		f.t.Fatalf("sign-in: %d %+v", status, tk)
	}
	return tk
}

// refresh is a public client's refresh_token grant.
func (f *flow) refresh(rt string) (int, tokens) {
	f.t.Helper()
	return f.post("/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {appClient}, "refresh_token": {rt}}, nil)
}

// TestRefreshWithoutRotation: without rotation a refresh returns new ID and
// access tokens and no refresh token, and the refresh token keeps working.
func TestRefreshWithoutRotation(t *testing.T) {
	f, _ := newFlowFor(t, "")
	rt := f.signedIn().RefreshToken
	for range 3 {
		if status, tk := f.refresh(rt); status != http.StatusOK || tk.AccessToken == "" || tk.IDToken == "" || tk.RefreshToken != "" {
			t.Fatalf("refresh: %d %+v", status, tk)
		}
	}
	if n := f.ui.LiveRefreshTokens(); n != 1 {
		t.Fatalf("live refresh tokens: %d", n)
	}
}

// TestRefreshRotation: with rotation every refresh returns a new refresh
// token and retires the one sent; within the grace period the retired one
// still refreshes (and gets another new one), with grace 0 it fails at
// once with invalid_grant. The token a refresh returned keeps working.
func TestRefreshRotation(t *testing.T) {
	for _, c := range []struct {
		grace      time.Duration
		retryWorks bool
	}{{0, false}, {cognitotest.MaxRefreshGrace, true}} {
		t.Run(c.grace.String(), func(t *testing.T) {
			f, _ := newFlowFor(t, "", cognitotest.WithRefreshRotation(c.grace))
			rt1 := f.signedIn().RefreshToken
			status, tk := f.refresh(rt1)
			rt2 := tk.RefreshToken
			if status != http.StatusOK || rt2 == "" || rt2 == rt1 || tk.AccessToken == "" {
				t.Fatalf("first refresh: %d %+v", status, tk)
			}
			status, retry := f.refresh(rt1)
			switch {
			case c.retryWorks && (status != http.StatusOK || retry.RefreshToken == "" || retry.RefreshToken == rt1 || retry.RefreshToken == rt2):
				t.Fatalf("retry within the grace period: %d %+v (want a new refresh token)", status, retry)
			case !c.retryWorks && (status != http.StatusBadRequest || retry.Error != "invalid_grant"):
				t.Fatalf("retry with no grace period: %d %+v", status, retry)
			}
			live := map[bool]int{true: 3, false: 1}[c.retryWorks] // rt1 in its grace period, rt2, the retry's
			if n := f.ui.LiveRefreshTokens(); n != live {
				t.Fatalf("live refresh tokens: %d, want %d", n, live)
			}
			status, tk = f.refresh(rt2)
			if status != http.StatusOK || tk.RefreshToken == "" || tk.RefreshToken == rt2 {
				t.Fatalf("refresh with the rotated-in token: %d %+v", status, tk)
			}
		})
	}
}

// TestRevokeEndsTheSignIn: after a revoke the refresh token fails with
// invalid_grant and the access tokens issued from it fail at userInfo; with
// rotation that holds for every refresh token of the sign-in. Another
// sign-in is untouched.
func TestRevokeEndsTheSignIn(t *testing.T) {
	f, _ := newFlowFor(t, "", cognitotest.WithRefreshRotation(cognitotest.MaxRefreshGrace))
	first := f.signedIn()
	other := f.signedIn()
	_, refreshed := f.refresh(first.RefreshToken)
	if f.userInfo(first.AccessToken) != http.StatusOK || f.userInfo(refreshed.AccessToken) != http.StatusOK {
		t.Fatal("userInfo before the revoke")
	}
	if status, _ := f.post("/oauth2/revoke", url.Values{"client_id": {appClient}, "token": {refreshed.RefreshToken}}, nil); status != http.StatusOK {
		t.Fatalf("revoke: %d", status)
	}
	for name, rt := range map[string]string{"revoked": refreshed.RefreshToken, "rotated out, in its grace period": first.RefreshToken} {
		if status, tk := f.refresh(rt); status != http.StatusBadRequest || tk.Error != "invalid_grant" {
			t.Errorf("refresh with the %s token: %d %q", name, status, tk.Error)
		}
	}
	for name, at := range map[string]string{"sign-in's": first.AccessToken, "refresh's": refreshed.AccessToken} {
		if got := f.userInfo(at); got != http.StatusUnauthorized {
			t.Errorf("userInfo with the %s access token: %d", name, got)
		}
	}
	if status, _ := f.refresh(other.RefreshToken); status != http.StatusOK || f.userInfo(other.AccessToken) != http.StatusOK {
		t.Fatalf("another sign-in after the revoke: %d", status)
	}
	if n := f.ui.LiveRefreshTokens(); n != 2 { // other's, in its grace period, and its successor
		t.Fatalf("live refresh tokens: %d", n)
	}
}

// TestUserInfoRequest: userInfo wants a Bearer access token it issued.
func TestUserInfoRequest(t *testing.T) {
	f, _ := newFlowFor(t, "")
	tk := f.signedIn()
	for _, c := range []struct {
		name, header string
		want         int
	}{
		{"the access token", "Bearer " + tk.AccessToken, http.StatusOK},
		{"no Authorization", "", http.StatusBadRequest},
		{"Basic", "Basic eDp5", http.StatusBadRequest},
		{"the ID token", "Bearer " + tk.IDToken, http.StatusUnauthorized},
		{"a made-up token", "Bearer x", http.StatusUnauthorized},
	} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, f.ui.URL()+"/oauth2/userInfo", nil)
		if c.header != "" {
			req.Header.Set("Authorization", c.header)
		}
		resp, err := f.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != c.want || (c.want != http.StatusOK && resp.Header.Get("WWW-Authenticate") == "") {
			t.Errorf("%s: %d %q, want %d", c.name, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), c.want)
		}
	}
}
