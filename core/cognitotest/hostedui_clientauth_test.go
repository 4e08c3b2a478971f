package cognitotest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// A secret with characters that form-encoding changes, so Basic's RFC 6749
// §2.3.1 encoding is exercised.
const oddSecret = "s3cr+t/="

// clientCase is one way for an app client to authenticate.
type clientCase struct {
	name   string
	body   url.Values          // client parameters added to the body
	auth   func(*http.Request) // the Authorization header, or nil
	status int                 // the documented answer
	code   string              // its error code, "" for success
}

func bearer(tok string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

func rawBasic(id, secret string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(id, secret) }
}

const appClient = cognitotest.DefaultClientID

func withID() url.Values { return url.Values{"client_id": {appClient}} }

// publicAuth are a public client's ways to authenticate; the first is right.
func publicAuth() []clientCase {
	return []clientCase{
		{name: "client_id in the body", body: withID(), status: 200},
		{name: "Basic with an empty secret (x/oauth2 AuthStyleInHeader)", auth: basic(appClient, ""), status: 400, code: "invalid_client"},
		{name: "Basic with an empty secret and client_id in the body", body: withID(), auth: basic(appClient, ""), status: 400, code: "invalid_client"},
		{name: "Basic with a made-up secret", auth: basic(appClient, "x"), status: 400, code: "invalid_client"},
		{name: "a Bearer header", body: withID(), auth: bearer("x"), status: 400, code: "invalid_client"},
		{name: "an empty client_secret in the body", body: url.Values{"client_id": {appClient}, "client_secret": {""}}, status: 400, code: "invalid_client"},
		{name: "no client_id", status: 400, code: "invalid_client"},
		{name: "another client_id", body: url.Values{"client_id": {"otherclient"}}, status: 400, code: "invalid_client"},
	}
}

// confidentialAuth are a client with oddSecret's ways to authenticate at
// the token endpoint; the first is right.
func confidentialAuth() []clientCase {
	return []clientCase{
		{name: "client_secret_basic, form-encoded (RFC 6749 §2.3.1)", auth: basic(appClient, oddSecret), status: 200},
		{name: "client_secret_basic and the same client_id in the body", body: withID(), auth: basic(appClient, oddSecret), status: 200},
		{name: "client_secret_post", body: url.Values{"client_id": {appClient}, "client_secret": {oddSecret}}, status: 200},
		{name: "Basic not form-encoded", auth: rawBasic(appClient, oddSecret), status: 400, code: "invalid_client"},
		{name: "Basic with a wrong secret", auth: basic(appClient, "wrong"), status: 400, code: "invalid_client"},
		{name: "Basic with an empty secret", auth: basic(appClient, ""), status: 400, code: "invalid_client"},
		{name: "Basic for another client", auth: basic("otherclient", oddSecret), status: 400, code: "invalid_client"},
		{name: "Basic and another client_id in the body", body: url.Values{"client_id": {"otherclient"}}, auth: basic(appClient, oddSecret), status: 400, code: "invalid_client"},
		{name: "Basic and client_secret in the body", body: url.Values{"client_secret": {oddSecret}}, auth: basic(appClient, oddSecret), status: 400, code: "invalid_request"},
		{name: "client_secret_post with a wrong secret", body: url.Values{"client_id": {appClient}, "client_secret": {"wrong"}}, status: 400, code: "invalid_client"},
		{name: "client_id only, as a public client would", body: withID(), status: 400, code: "invalid_client"},
		{name: "no authentication", status: 400, code: "invalid_client"},
		{name: "a Bearer header", auth: bearer("x"), status: 400, code: "invalid_client"},
	}
}

func merge(a, b url.Values) url.Values {
	out := url.Values{}
	for _, m := range []url.Values{a, b} {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// TestTokenClientAuthentication: the token endpoint takes client_secret_basic
// or client_secret_post from a client with a secret, and client_id in the
// body with no Authorization header from a public client; everything else
// gets the documented 400.
func TestTokenClientAuthentication(t *testing.T) {
	for _, kind := range []struct {
		name, secret string
		cases        []clientCase
	}{{"public", "", publicAuth()}, {"confidential", oddSecret, confidentialAuth()}} {
		t.Run(kind.name, func(t *testing.T) {
			f, _ := newFlowFor(t, kind.secret)
			for _, c := range kind.cases {
				t.Run(c.name, func(t *testing.T) {
					v := strings.Repeat("v", 43)
					form := merge(url.Values{"grant_type": {"authorization_code"}, "code": {f.code(v)}, "redirect_uri": {callback}, "code_verifier": {v}}, c.body)
					status, tk := f.post("/oauth2/token", form, c.auth)
					if status != c.status || tk.Error != c.code || (c.code == "" && tk.AccessToken == "") {
						t.Fatalf("got %d %q, want %d %q", status, tk.Error, c.status, c.code)
					}
				})
			}
		})
	}
}

// TestTokenRequestForm: the token endpoint takes only a form body, each
// parameter once, with a grant type it knows.
func TestTokenRequestForm(t *testing.T) {
	f, _ := newFlowFor(t, "")
	cases := []struct {
		name, contentType string
		form              url.Values
		code              string
	}{
		{"JSON body", "application/json", url.Values{"grant_type": {"refresh_token"}, "client_id": {appClient}, "refresh_token": {"x"}}, "invalid_request"},
		{"repeated parameter", "", url.Values{"grant_type": {"refresh_token"}, "client_id": {appClient}, "refresh_token": {"x", "y"}}, "invalid_request"},
		{"no grant_type", "", url.Values{"client_id": {appClient}}, "invalid_request"},
		{"client_credentials", "", url.Values{"grant_type": {"client_credentials"}, "client_id": {appClient}}, "unauthorized_client"},
		{"password", "", url.Values{"grant_type": {"password"}, "client_id": {appClient}}, "unsupported_grant_type"},
		{"refresh_token missing", "", url.Values{"grant_type": {"refresh_token"}, "client_id": {appClient}}, "invalid_request"},
		{"unknown refresh_token", "", url.Values{"grant_type": {"refresh_token"}, "client_id": {appClient}, "refresh_token": {"x"}}, "invalid_grant"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, tk := f.post("/oauth2/token", c.form, func(r *http.Request) {
				if c.contentType != "" {
					r.Header.Set("Content-Type", c.contentType)
				}
			})
			if status != http.StatusBadRequest || tk.Error != c.code {
				t.Fatalf("got %d %q, want 400 %q", status, tk.Error, c.code)
			}
		})
	}
}

// TestRevokeClientAuthentication: the revoke endpoint takes HTTP Basic from
// a client with a secret (no client_secret_post there) and client_id in the
// body from a public client, answers 401 invalid_client otherwise, and only
// an accepted request revokes.
func TestRevokeClientAuthentication(t *testing.T) {
	for _, kind := range []struct {
		name, secret string
		good         clientCase
		cases        []clientCase
	}{
		{"public", "", publicAuth()[0], []clientCase{
			publicAuth()[0],
			{name: "Basic with an empty secret (x/oauth2 style)", auth: basic(appClient, ""), status: 401, code: "invalid_client"},
			{name: "Basic with an empty secret and client_id in the body", body: withID(), auth: basic(appClient, ""), status: 401, code: "invalid_client"},
			{name: "no client_id", status: 401, code: "invalid_client"},
		}},
		{"confidential", oddSecret, confidentialAuth()[0], []clientCase{
			confidentialAuth()[0],
			{name: "client_secret_post (not documented for revoke)", body: url.Values{"client_id": {appClient}, "client_secret": {oddSecret}}, status: 401, code: "invalid_client"},
			{name: "Basic with a wrong secret", auth: basic(appClient, "wrong"), status: 401, code: "invalid_client"},
			{name: "client_id only", body: withID(), status: 401, code: "invalid_client"},
			{name: "no authentication", status: 401, code: "invalid_client"},
		}},
	} {
		t.Run(kind.name, func(t *testing.T) {
			f, _ := newFlowFor(t, kind.secret)
			good := kind.good
			for _, c := range kind.cases {
				t.Run(c.name, func(t *testing.T) {
					v := strings.Repeat("v", 43)
					_, tk := f.post("/oauth2/token", merge(url.Values{"grant_type": {"authorization_code"}, "code": {f.code(v)}, "redirect_uri": {callback}, "code_verifier": {v}}, good.body), good.auth)
					status, e := f.post("/oauth2/revoke", merge(url.Values{"token": {tk.RefreshToken}}, c.body), c.auth)
					if status != c.status || e.Error != c.code {
						t.Fatalf("revoke: got %d %q, want %d %q", status, e.Error, c.status, c.code)
					}
					status, _ = f.post("/oauth2/token", merge(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken}}, good.body), good.auth)
					if revoked := status == http.StatusBadRequest; revoked != (c.code == "") {
						t.Fatalf("refresh after the revoke answered %d: revoked %v, want %v", status, revoked, c.code == "")
					}
				})
			}
			// The token itself must be there, and be a refresh token.
			if status, e := f.post("/oauth2/revoke", good.body, good.auth); status != 400 || e.Error != "invalid_request" {
				t.Fatalf("no token: %d %q", status, e.Error)
			}
			v := strings.Repeat("v", 43)
			_, tk := f.post("/oauth2/token", merge(url.Values{"grant_type": {"authorization_code"}, "code": {f.code(v)}, "redirect_uri": {callback}, "code_verifier": {v}}, good.body), good.auth)
			if status, e := f.post("/oauth2/revoke", merge(url.Values{"token": {tk.AccessToken}}, good.body), good.auth); status != 400 || e.Error != "unsupported_token_type" {
				t.Fatalf("access token: %d %q", status, e.Error)
			}
			if status, e := f.post("/oauth2/revoke", merge(url.Values{"token": {"not-a-token"}}, good.body), good.auth); status != 200 || e.Error != "" {
				t.Fatalf("unknown token: %d %q (documented: 200)", status, e.Error)
			}
		})
	}
}
