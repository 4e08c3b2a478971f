package cognitotest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCodeGrantRules: a code redeems once, for its redirect_uri, with the
// PKCE verifier of its challenge (S256), and each wrong form gets the
// documented error.
func TestCodeGrantRules(t *testing.T) {
	f, _ := newFlowFor(t, "")
	good := strings.Repeat("g", 43)
	cases := []struct {
		name     string
		verifier string // the challenge's verifier at authorize, "" for none
		edit     func(form url.Values)
		status   int
		code     string
	}{
		{"right verifier", good, nil, 200, ""},
		{"redirect_uri not the code's", good, func(v url.Values) { v.Set("redirect_uri", callback+"/") }, 400, "invalid_grant"},
		{"no redirect_uri", good, func(v url.Values) { v.Del("redirect_uri") }, 400, "invalid_request"},
		{"no code", good, func(v url.Values) { v.Del("code") }, 400, "invalid_request"},
		{"unknown code", good, func(v url.Values) { v.Set("code", "nope") }, 400, "invalid_grant"},
		{"no code_verifier for a PKCE code", good, func(v url.Values) { v.Del("code_verifier") }, 400, "invalid_request"},
		{"empty code_verifier", good, func(v url.Values) { v.Set("code_verifier", "") }, 400, "invalid_request"},
		{"wrong code_verifier", good, func(v url.Values) { v.Set("code_verifier", strings.Repeat("w", 43)) }, 400, "invalid_grant"},
		{"plain: the challenge itself as verifier", good, func(v url.Values) { v.Set("code_verifier", challengeOf(good)) }, 400, "invalid_grant"},
		{"verifier shorter than RFC 7636's 43", strings.Repeat("s", 42), nil, 400, "invalid_grant"},
		{"no PKCE (the pages do not require it)", "", func(v url.Values) { v.Del("code_verifier") }, 200, ""},
		{"code_verifier for a code without PKCE (downgrade)", "", nil, 400, "invalid_grant"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var code string
			if c.verifier == "" {
				code = f.signIn(nil)
			} else {
				code = f.code(c.verifier)
			}
			v := c.verifier
			if v == "" {
				v = good
			}
			form := url.Values{"grant_type": {"authorization_code"}, "client_id": {appClient}, "code": {code}, "redirect_uri": {callback}, "code_verifier": {v}}
			if c.edit != nil {
				c.edit(form)
			}
			status, tk := f.post("/oauth2/token", form, nil)
			if status != c.status || tk.Error != c.code {
				t.Fatalf("got %d %q, want %d %q", status, tk.Error, c.status, c.code)
			}
		})
	}
}

// TestCodeIsSingleUse: a second redemption fails with invalid_grant and
// revokes the tokens the first one returned (RFC 6749 §4.1.2); a failed
// redemption spends the code too.
func TestCodeIsSingleUse(t *testing.T) {
	f, _ := newFlowFor(t, "")
	v := strings.Repeat("v", 43)
	redeem := func(code, verifier string) (int, tokens) {
		return f.post("/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {appClient}, "code": {code}, "redirect_uri": {callback}, "code_verifier": {verifier}}, nil)
	}
	code := f.code(v)
	status, first := redeem(code, v)
	if status != http.StatusOK || f.userInfo(first.AccessToken) != http.StatusOK {
		t.Fatalf("first redemption: %d %+v", status, first)
	}
	if status, tk := redeem(code, v); status != http.StatusBadRequest || tk.Error != "invalid_grant" {
		t.Fatalf("second redemption: %d %q", status, tk.Error)
	}
	if got := f.userInfo(first.AccessToken); got != http.StatusUnauthorized {
		t.Fatalf("userInfo with the first redemption's access token after a replay: %d", got)
	}
	if status, tk := f.post("/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {appClient}, "refresh_token": {first.RefreshToken}}, nil); status != http.StatusBadRequest || tk.Error != "invalid_grant" {
		t.Fatalf("refresh with the first redemption's refresh token after a replay: %d %q", status, tk.Error)
	}

	code = f.code(v)
	if status, _ := redeem(code, strings.Repeat("w", 43)); status != http.StatusBadRequest {
		t.Fatalf("wrong verifier: %d", status)
	}
	if status, tk := redeem(code, v); status != http.StatusBadRequest || tk.Error != "invalid_grant" {
		t.Fatalf("the right verifier after a failed redemption: %d %q", status, tk.Error)
	}
}
