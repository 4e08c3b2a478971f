package cognitotest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// browserGet is a browser's GET of a hosted UI page: the login form, an
// error page (no redirect), or a redirect.
func (f *flow) browserGet(path string, q url.Values) (status int, loc *url.URL, page string) {
	f.t.Helper()
	resp, body := f.do(http.MethodGet, f.ui.URL()+path+"?"+q.Encode(), nil, false)
	loc, _ = url.Parse(resp.Header.Get("Location"))
	return resp.StatusCode, loc, body
}

// TestAuthorizeRules: /oauth2/authorize shows the login form only for the
// app client's exact callback URL, response_type=code, S256 PKCE and
// allowed scopes. A bad client_id or redirect_uri is an error page; any
// other problem goes back to the redirect_uri as error=..., with the state.
func TestAuthorizeRules(t *testing.T) {
	f, _ := newFlowFor(t, "")
	ch := challengeOf(strings.Repeat("v", 43))
	cases := []struct {
		name  string
		set   url.Values // on top of a valid request
		del   string
		want  int    // 200 form, 400 page, 302 redirect
		error string // with 302: the error sent back
	}{
		{"valid", nil, "", 200, ""},
		{"valid with S256 PKCE", url.Values{"code_challenge": {ch}, "code_challenge_method": {"S256"}}, "", 200, ""},
		{"unknown client_id", url.Values{"client_id": {"otherclient"}}, "", 400, ""},
		{"no client_id", nil, "client_id", 400, ""},
		{"unregistered redirect_uri", url.Values{"redirect_uri": {"https://evil.example/cb"}}, "", 400, ""},
		{"redirect_uri with a trailing slash", url.Values{"redirect_uri": {callback + "/"}}, "", 400, ""},
		{"no redirect_uri", nil, "redirect_uri", 400, ""},
		{"no response_type", nil, "response_type", 302, "invalid_request"},
		{"response_type=token (no implicit grant)", url.Values{"response_type": {"token"}}, "", 302, "unauthorized_client"},
		{"response_type=id_token", url.Values{"response_type": {"id_token"}}, "", 302, "invalid_request"},
		{"code_challenge without a method", url.Values{"code_challenge": {ch}}, "", 302, "invalid_request"},
		{"plain PKCE", url.Values{"code_challenge": {ch}, "code_challenge_method": {"plain"}}, "", 302, "invalid_request"},
		{"a method without a challenge", url.Values{"code_challenge_method": {"S256"}}, "", 302, "invalid_request"},
		{"a challenge that is no S256 output", url.Values{"code_challenge": {"short"}, "code_challenge_method": {"S256"}}, "", 302, "invalid_request"},
		{"a scope the app client does not have", url.Values{"scope": {"openid admin"}}, "", 302, "invalid_scope"},
		{"email without openid", url.Values{"scope": {"email"}}, "", 302, "invalid_scope"},
		{"aws.cognito.signin.user.admin alone", url.Values{"scope": {"aws.cognito.signin.user.admin"}}, "", 200, ""},
		{"no scope (all of the client's)", nil, "scope", 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := authorizeQuery(c.set)
			if c.del != "" {
				q.Del(c.del)
			}
			status, loc, page := f.browserGet("/oauth2/authorize", q)
			switch {
			case status != c.want:
				t.Fatalf("status %d, want %d: %s", status, c.want, page)
			case c.want == 200 && !strings.Contains(page, `name="password"`):
				t.Fatalf("no login form:\n%s", page)
			case c.want == 302 && (!strings.HasPrefix(loc.String(), callback+"?") || loc.Query().Get("error") != c.error || loc.Query().Get("state") != "st4te"):
				t.Fatalf("redirect %s, want %s?error=%s&state=st4te", loc, callback, c.error)
			}
		})
	}
}

// TestLoginRechecksTheRequest: the login form carries the authorize
// request; an edited one gets what /oauth2/authorize would have answered.
func TestLoginRechecksTheRequest(t *testing.T) {
	f, _ := newFlowFor(t, "")
	form := authorizeQuery(url.Values{"scope": {"openid admin"}, "username": {"alice"}, "password": {cognitotest.DefaultPassword}})
	resp, _ := f.do(http.MethodPost, f.ui.URL()+"/login", form, false)
	if loc, _ := url.Parse(resp.Header.Get("Location")); resp.StatusCode != http.StatusFound || loc.Query().Get("error") != "invalid_scope" || loc.Query().Get("code") != "" {
		t.Fatalf("edited scope: %d %s", resp.StatusCode, loc)
	}
	form = authorizeQuery(url.Values{"redirect_uri": {"https://evil.example/cb"}, "username": {"alice"}, "password": {cognitotest.DefaultPassword}})
	if resp, _ := f.do(http.MethodPost, f.ui.URL()+"/login", form, false); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("edited redirect_uri: %d", resp.StatusCode)
	}
}

// TestGrantedScopes: the access token carries the granted scopes (all of
// the client's when none are asked for), and an ID token comes only with
// openid.
func TestGrantedScopes(t *testing.T) {
	f, _ := newFlowFor(t, "", cognitotest.WithAllowedScopes("openid", "email", "orders/read"))
	for _, c := range []struct {
		scope     string
		want      string
		wantIDTok bool
	}{
		{"", "openid email orders/read", true},
		{"orders/read openid orders/read", "orders/read openid", true},
		{"orders/read", "orders/read", false},
	} {
		t.Run(c.scope, func(t *testing.T) {
			code := f.signIn(url.Values{"scope": {c.scope}}) // "": none asked for
			status, tk := f.post("/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {appClient}, "code": {code}, "redirect_uri": {callback}}, nil)
			if status != http.StatusOK || claims(t, tk.AccessToken)["scope"] != c.want || (tk.IDToken != "") != c.wantIDTok {
				t.Fatalf("%d scope %q (want %q), id token %v (want %v)", status, claims(t, tk.AccessToken)["scope"], c.want, tk.IDToken != "", c.wantIDTok)
			}
		})
	}
	if status, loc, _ := f.browserGet("/oauth2/authorize", authorizeQuery(url.Values{"scope": {"openid phone"}})); status != http.StatusFound || loc.Query().Get("error") != "invalid_scope" {
		t.Fatalf("a default scope the client was not given: %d %s", status, loc)
	}
}

// TestLogoutRules: /logout takes client_id with an allowed logout_uri, or
// the parameters of a new sign-in with redirect_uri; nothing else.
func TestLogoutRules(t *testing.T) {
	f, _ := newFlowFor(t, "")
	const out = "https://app.example.com/"
	signIn := url.Values{"client_id": {appClient}, "redirect_uri": {callback}, "response_type": {"code"}, "scope": {"openid"}, "state": {"st4te"}}
	cases := []struct {
		name string
		q    url.Values
		want int
		to   string // with 302: where to
	}{
		{"allowed logout_uri", url.Values{"client_id": {appClient}, "logout_uri": {out}}, 302, out},
		{"logout_uri not allowed", url.Values{"client_id": {appClient}, "logout_uri": {"https://evil.example/"}}, 400, ""},
		{"logout_uri without its trailing slash", url.Values{"client_id": {appClient}, "logout_uri": {strings.TrimSuffix(out, "/")}}, 400, ""},
		{"another client_id", url.Values{"client_id": {"otherclient"}, "logout_uri": {out}}, 400, ""},
		{"no client_id", url.Values{"logout_uri": {out}}, 400, ""},
		{"neither logout_uri nor redirect_uri", url.Values{"client_id": {appClient}}, 400, ""},
		{"logout_uri with redirect_uri", merge(signIn, url.Values{"logout_uri": {out}}), 400, ""},
		{"redirect_uri: sign in again", signIn, 302, f.ui.URL() + "/oauth2/authorize?" + signIn.Encode()},
		{"redirect_uri not registered", merge(signIn, url.Values{"redirect_uri": {"https://evil.example/cb"}}), 400, ""},
		{"redirect_uri without response_type", merge(signIn, url.Values{"response_type": {""}}), 302, callback + "?error=invalid_request&state=st4te"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, loc, page := f.browserGet("/logout", c.q)
			if status != c.want || (c.want == 302 && loc.String() != c.to) {
				t.Fatalf("%d %s, want %d %s\n%s", status, loc, c.want, c.to, page)
			}
		})
	}
}
