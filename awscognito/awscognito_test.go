package awscognito_test

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognitoauth/cognito-auth-go/awscognito"
	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// fakeCognito speaks the Cognito JSON 1.1 protocol for DescribeUserPoolClient.
func fakeCognito(t *testing.T, pool, client, secret string, fail string) (*cip.Client, *atomic.Int64) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("X-Amz-Target") != "AWSCognitoIdentityProviderService.DescribeUserPoolClient" ||
			!strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
			t.Errorf("unexpected request: target %q", r.Header.Get("X-Amz-Target"))
		}
		var in struct{ UserPoolId, ClientId string } //nolint:revive // the protocol's field names
		_ = json.NewDecoder(r.Body).Decode(&in)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if fail != "" || in.UserPoolId != pool || in.ClientId != client {
			typ := fail
			if typ == "" {
				typ = "ResourceNotFoundException"
			}
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": "refused"})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"UserPoolClient": map[string]any{
			"ClientId": client, "UserPoolId": pool, "ClientSecret": secret, "ClientName": "app",
			"AllowedOAuthFlows": []string{"code"}, "CallbackURLs": []string{"https://app.example.com/login/cognito/authorized"},
		}})
	}))
	t.Cleanup(srv.Close)
	return cip.New(cip.Options{
		Region: "eu-west-2", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		Retryer:     retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 1 }),
	}), &calls
}

func TestClientSecret(t *testing.T) {
	api, calls := fakeCognito(t, "eu-west-2_Pool1", "client1", "s3cret", "")
	s, err := awscognito.ClientSecret(t.Context(), api, "eu-west-2_Pool1", "client1")
	if err != nil || s != "s3cret" || calls.Load() != 1 {
		t.Fatalf("%q %v calls=%d", s, err, calls.Load())
	}
	if _, err := awscognito.ClientSecret(t.Context(), api, "eu-west-2_Pool1", "other"); err == nil {
		t.Fatal("unknown client accepted")
	}
	denied, _ := fakeCognito(t, "eu-west-2_Pool1", "client1", "s3cret", "NotAuthorizedException")
	if _, err := awscognito.ClientSecret(t.Context(), denied, "eu-west-2_Pool1", "client1"); err == nil || !strings.Contains(err.Error(), "NotAuthorizedException") {
		t.Fatalf("access denied: %v", err)
	}
	noSecret, _ := fakeCognito(t, "eu-west-2_Pool1", "client1", "", "")
	if _, err := awscognito.ClientSecret(t.Context(), noSecret, "eu-west-2_Pool1", "client1"); err == nil {
		t.Fatal("a client without a secret")
	}
}

// TestHostedUIWithFetchedSecret: the secret fetched at start-up is the one
// the local hosted UI's token endpoint demands, so a full login succeeds.
func TestHostedUIWithFetchedSecret(t *testing.T) {
	iss := ct.Start(t)
	api, calls := fakeCognito(t, iss.UserPoolID(), iss.ClientID(), "fetched-secret", "")
	mux := http.NewServeMux()
	app := httptest.NewServer(mux)
	defer app.Close()
	ui := iss.StartHostedUI(ct.WithClientSecret("fetched-secret"), ct.WithRedirectURIs(app.URL+hostedui.DefaultCallbackPath))
	defer ui.Close()
	v, err := core.NewVerifier(append(iss.VerifierOptions(), core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))...)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	h, err := hostedui.New(v, hostedui.WithDomain(ui.URL()), hostedui.WithAppURL(app.URL),
		hostedui.WithSessionSecrets(strings.Repeat("x", 40)),
		hostedui.WithClientSecretFunc(awscognito.SecretFunc(t.Context(), api, iss.UserPoolID(), iss.ClientID())))
	if err != nil || calls.Load() != 1 {
		t.Fatalf("%v calls=%d", err, calls.Load())
	}
	h.Mount(mux)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) *http.Response {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp
	}
	authz, _ := url.Parse(get(app.URL + hostedui.DefaultLoginPath).Header.Get("Location"))
	f := authz.Query()
	f.Set("username", "alice")
	f.Set("password", ct.DefaultPassword)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ui.URL()+"/login", strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if cb := get(resp.Header.Get("Location")); cb.StatusCode != http.StatusSeeOther || ui.TokenCalls() != 1 {
		t.Fatalf("callback with the fetched secret: %d (token calls %d)", cb.StatusCode, ui.TokenCalls())
	}

	failing, _ := fakeCognito(t, iss.UserPoolID(), iss.ClientID(), "", "NotAuthorizedException")
	_, err = hostedui.New(v, hostedui.WithDomain(ui.URL()), hostedui.WithAppURL(app.URL),
		hostedui.WithSessionSecrets(strings.Repeat("x", 40)),
		hostedui.WithClientSecretFunc(awscognito.SecretFunc(t.Context(), failing, iss.UserPoolID(), iss.ClientID())))
	if !errors.Is(err, core.ErrConfig) || !strings.Contains(err.Error(), "client secret") {
		t.Fatalf("a failed fetch must be a clear configuration error: %v", err)
	}
}
