package cognitotest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

const (
	worker       = "workerclient000000000001"
	publicWorker = "publicworker00000000001"
)

// machineFlow starts a hosted UI whose sign-in app client has the secret
// s3cret, with the machine client worker (secret oddSecret, scopes
// orders/read and https://api.example.com/orders.write) and the public
// machine client publicWorker.
func machineFlow(t *testing.T) (*flow, *cognitotest.Issuer) {
	return newFlow(t,
		cognitotest.WithMachineClient(worker, oddSecret, "orders/read", "https://api.example.com/orders.write"),
		cognitotest.WithMachineClient(publicWorker, "", "orders/read"),
		cognitotest.WithTokenTTL(10*time.Minute))
}

// machinePost posts form to the token endpoint and returns the status, the
// headers and the JSON body.
func machinePost(f *flow, form url.Values, auth func(*http.Request)) (int, http.Header, map[string]any) {
	f.t.Helper()
	req, _ := http.NewRequestWithContext(f.t.Context(), http.MethodPost, f.ui.URL()+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if auth != nil {
		auth(req)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		f.t.Fatalf("the answer is not JSON: %v", err)
	}
	return resp.StatusCode, resp.Header, body
}

// TestClientCredentialsGrant: a machine client authenticated with
// client_secret_basic or client_secret_post gets an access token alone
// (no refresh or ID token) for the scopes it asked for, or all of its own
// when it asked for none; an unknown scope is invalid_scope, a public
// client or one without the grant unauthorized_client, a wrong secret
// invalid_client. The token verifies as a machine principal.
func TestClientCredentialsGrant(t *testing.T) {
	f, iss := machineFlow(t)
	v, err := core.NewVerifier(append(iss.VerifierOptions(), core.WithMachineClientIDs(worker))...)
	if err != nil {
		t.Fatal(err)
	}
	cc := func(extra url.Values) url.Values {
		return merge(url.Values{"grant_type": {"client_credentials"}}, extra)
	}
	post := url.Values{"client_id": {worker}, "client_secret": {oddSecret}}
	both := []string{"orders/read", "https://api.example.com/orders.write"}
	cases := []struct {
		name   string
		form   url.Values
		auth   func(*http.Request)
		status int
		code   string   // the error code, "" for a token
		scopes []string // granted
	}{
		{"client_secret_basic, no scope: all the client's", cc(nil), basic(worker, oddSecret), 200, "", both},
		{"client_secret_post, one scope", cc(merge(post, url.Values{"scope": {"orders/read"}})), nil, 200, "", []string{"orders/read"}},
		{"both scopes, one twice", cc(url.Values{"scope": {"https://api.example.com/orders.write orders/read orders/read"}}), basic(worker, oddSecret), 200, "", []string{"https://api.example.com/orders.write", "orders/read"}},
		{"client_secret_basic and the same client_id in the body", cc(url.Values{"client_id": {worker}}), basic(worker, oddSecret), 200, "", both},
		{"a scope the client does not have", cc(url.Values{"scope": {"orders/read orders/delete"}}), basic(worker, oddSecret), 400, "invalid_scope", nil},
		{"a system-reserved scope", cc(url.Values{"scope": {"openid"}}), basic(worker, oddSecret), 400, "invalid_scope", nil},
		{"an empty scope", cc(url.Values{"scope": {" "}}), basic(worker, oddSecret), 400, "invalid_scope", nil},
		{"a wrong secret", cc(nil), basic(worker, "wrong"), 400, "invalid_client", nil},
		{"client_secret_post with a wrong secret", cc(url.Values{"client_id": {worker}, "client_secret": {"wrong"}}), nil, 400, "invalid_client", nil},
		{"client_id only", cc(url.Values{"client_id": {worker}}), nil, 400, "invalid_client", nil},
		{"an unknown client", cc(nil), basic("nosuchclient", oddSecret), 400, "invalid_client", nil},
		{"Basic and client_secret in the body", cc(url.Values{"client_secret": {oddSecret}}), basic(worker, oddSecret), 400, "invalid_request", nil},
		{"a public machine client", cc(url.Values{"client_id": {publicWorker}}), nil, 400, "unauthorized_client", nil},
		{"the sign-in app client", cc(nil), basic(appClient, "s3cret"), 400, "unauthorized_client", nil},
		{"authorization_code from the machine client", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "redirect_uri": {callback}}, basic(worker, oddSecret), 400, "unauthorized_client", nil},
		{"refresh_token from the machine client", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}}, basic(worker, oddSecret), 400, "unauthorized_client", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, h, body := machinePost(f, c.form, c.auth)
			if status != c.status || (c.code != "" && body["error"] != c.code) {
				t.Fatalf("got %d %v, want %d %q", status, body, c.status, c.code)
			}
			if c.code != "" {
				return
			}
			keys := make([]string, 0, len(body))
			for k := range body {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if !slices.Equal(keys, []string{"access_token", "expires_in", "token_type"}) || body["token_type"] != "Bearer" || body["expires_in"] != 600.0 {
				t.Fatalf("answer %v: want access_token, token_type Bearer and expires_in 600 alone", body)
			}
			if h.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", h.Get("Cache-Control"))
			}
			tok, _ := body["access_token"].(string)
			u, err := v.VerifyAccessToken(t.Context(), tok)
			if err != nil {
				t.Fatal(err)
			}
			if !u.Machine || u.ClientID != worker || !slices.Equal(u.Scopes, c.scopes) {
				t.Fatalf("verified as machine %v client %q scopes %v, want a machine %s with %v", u.Machine, u.ClientID, u.Scopes, worker, c.scopes)
			}
			if got := f.userInfo(tok); got != http.StatusUnauthorized {
				t.Errorf("userInfo with a machine token: %d, want 401", got)
			}
		})
	}
}

// TestMachineTokenCalls counts client credentials requests, refused ones
// included, and nothing else.
func TestMachineTokenCalls(t *testing.T) {
	f, _ := machineFlow(t)
	cc := url.Values{"grant_type": {"client_credentials"}}
	machinePost(f, cc, basic(worker, oddSecret))
	machinePost(f, cc, basic(worker, "wrong"))
	machinePost(f, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}}, basic(appClient, "s3cret"))
	if got := f.ui.MachineTokenCalls(); got != 2 {
		t.Fatalf("MachineTokenCalls %d, want 2", got)
	}
	if got := f.ui.TokenCalls(); got != 3 {
		t.Fatalf("TokenCalls %d, want 3", got)
	}
}

// TestMachineClientIDClash: the sign-in app client cannot be made a machine
// client: its client-credentials requests are refused.
func TestMachineClientIDClash(t *testing.T) {
	iss := cognitotest.Start(t)
	ui := iss.StartHostedUI(cognitotest.WithClientSecret("s3cret"), cognitotest.WithMachineClient(iss.ClientID(), "s3cret", "orders/read"))
	defer ui.Close()
	form := url.Values{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ui.URL()+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(iss.ClientID(), "s3cret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "unauthorized_client") {
		t.Fatalf("client credentials for the sign-in client: %d %s", resp.StatusCode, body)
	}
}
