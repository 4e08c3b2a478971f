package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// TestHostedUIFlags: the hosted-UI flags need -hosted-ui, the grace period
// needs rotation and stays within RetryGracePeriodSeconds' 0-60s.
func TestHostedUIFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-refresh-rotation"}, "-refresh-rotation needs -hosted-ui"},
		{[]string{"-client-secret="}, "-client-secret needs -hosted-ui"},
		{[]string{"-hosted-ui", "-refresh-grace", "5s"}, "-refresh-grace needs -refresh-rotation"},
		{[]string{"-hosted-ui", "-refresh-rotation", "-refresh-grace", "61s"}, "-refresh-grace 1m1s: use 0s to 1m0s"},
		{[]string{"-hosted-ui", "-refresh-rotation", "-refresh-grace", "-1s"}, "-refresh-grace -1s: use 0s to 1m0s"},
	} {
		err := run(c.args, io.Discard, io.Discard)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
}

// TestHostedUIModeAppClient: -client-secret= makes a public app client (the
// app is told no secret, and the token endpoint wants client_id in the
// body), and -refresh-rotation rotates refresh tokens.
func TestHostedUIModeAppClient(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  hostedUIConfig
	}{
		{"public, rotating", hostedUIConfig{ttl: time.Hour, rotate: true, grace: 0}},
		{"confidential", hostedUIConfig{ttl: time.Hour, secret: "s3cret"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			mux := http.NewServeMux()
			front := httptest.NewServer(mux)
			t.Cleanup(front.Close)
			iss, err := ct.New(ct.WithKeyServerURL(front.URL + keysPrefix))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(iss.Close)
			app, _ := url.Parse("http://127.0.0.1:8080")
			h, env := newHostedUIMode(iss, defaultUsers, front.URL, app, c.cfg)
			mux.Handle("/", h)
			if env["COGNITO_AUTH_CLIENT_SECRET"] != c.cfg.secret {
				t.Fatalf("the app's client secret: %q", env["COGNITO_AUTH_CLIENT_SECRET"])
			}
			ui := env["COGNITO_AUTH_DOMAIN"]
			cb := "http://127.0.0.1:8080/login/cognito/authorized"
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, _ := do(t, client, http.MethodPost, ui+"/login", nil, url.Values{
				"response_type": {"code"}, "client_id": {iss.ClientID()}, "redirect_uri": {cb},
				"username": {defaultUsers[0].Email}, "password": {ct.DefaultPassword},
			})
			loc, _ := url.Parse(resp.Header.Get("Location"))
			token := func(form url.Values) (int, map[string]string) {
				if c.cfg.secret == "" {
					form.Set("client_id", iss.ClientID()) // a public client: no Authorization header
				}
				req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ui+"/oauth2/token", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if c.cfg.secret != "" {
					req.SetBasicAuth(iss.ClientID(), c.cfg.secret)
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer func() { _ = resp.Body.Close() }()
				var m map[string]string
				_ = json.NewDecoder(resp.Body).Decode(&m)
				return resp.StatusCode, m
			}
			status, tk := token(url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {cb}})
			if status != http.StatusOK || tk["refresh_token"] == "" {
				t.Fatalf("code exchange: %d %v", status, tk)
			}
			status, next := token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk["refresh_token"]}})
			if status != http.StatusOK || (next["refresh_token"] != "") != c.cfg.rotate {
				t.Fatalf("refresh: %d %v (rotation %v)", status, next, c.cfg.rotate)
			}
		})
	}
}
