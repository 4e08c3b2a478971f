package cognitotest_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

const callback = "https://app.example.com/login/cognito/authorized"

type flow struct {
	t      *testing.T
	ui     *cognitotest.HostedUI
	client *http.Client
}

func newFlow(t *testing.T, opts ...cognitotest.HostedUIOption) (*flow, *cognitotest.Issuer) {
	return newFlowFor(t, "s3cret", opts...)
}

// newFlowFor starts a hosted UI whose app client has secret ("" for a
// public client).
func newFlowFor(t *testing.T, secret string, opts ...cognitotest.HostedUIOption) (*flow, *cognitotest.Issuer) {
	iss := cognitotest.Start(t)
	ui := iss.StartHostedUI(append([]cognitotest.HostedUIOption{
		cognitotest.WithRedirectURIs(callback),
		cognitotest.WithLogoutURIs("https://app.example.com/"), cognitotest.WithClientSecret(secret),
	}, opts...)...)
	t.Cleanup(ui.Close)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &flow{t: t, ui: ui, client: c}, iss
}

func (f *flow) do(method, u string, form url.Values, basic bool) (*http.Response, string) {
	f.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequestWithContext(f.t.Context(), method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if basic {
		req.SetBasicAuth(cognitotest.DefaultClientID, "s3cret")
	}
	resp, err := f.client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	return resp, string(b)
}

// code signs alice in with a PKCE challenge for verifier and returns the
// authorization code.
func (f *flow) code(verifier string) string {
	return f.signIn(url.Values{"code_challenge": {challengeOf(verifier)}, "code_challenge_method": {"S256"}})
}

func challengeOf(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeQuery is a valid authorize request, with extra set on top.
func authorizeQuery(extra url.Values) url.Values {
	q := url.Values{
		"response_type": {"code"}, "client_id": {cognitotest.DefaultClientID}, "redirect_uri": {callback},
		"state": {"st4te"}, "scope": {"openid email"}, "nonce": {"n0nce"},
	}
	for k, v := range extra {
		q[k] = v
	}
	return q
}

// signIn signs alice in with the authorize request authorizeQuery(extra)
// and returns the authorization code.
func (f *flow) signIn(extra url.Values) string {
	f.t.Helper()
	q := authorizeQuery(extra)
	resp, page := f.do(http.MethodGet, f.ui.URL()+"/oauth2/authorize?"+q.Encode(), nil, false)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `name="password"`) {
		f.t.Fatalf("authorize: %d %s", resp.StatusCode, page)
	}
	q.Set("username", "alice")
	q.Set("password", cognitotest.DefaultPassword)
	resp, _ = f.do(http.MethodPost, f.ui.URL()+"/login", q, false)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Query().Get("state") != "st4te" || !strings.HasPrefix(loc.String(), callback) {
		f.t.Fatalf("login: %d %s", resp.StatusCode, loc)
	}
	return loc.Query().Get("code")
}

type tokens struct {
	IDToken      string `json:"id_token"`
	TokenType    string `json:"token_type"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
	Error        string `json:"error"`
}

// post sends form to the hosted UI's path, authenticated by auth (nil: no
// Authorization header), and decodes the JSON answer.
func (f *flow) post(path string, form url.Values, auth func(*http.Request)) (int, tokens) {
	f.t.Helper()
	req, _ := http.NewRequestWithContext(f.t.Context(), http.MethodPost, f.ui.URL()+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if auth != nil {
		auth(req)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var tk tokens
	_ = json.NewDecoder(resp.Body).Decode(&tk)
	return resp.StatusCode, tk
}

// basic is client_secret_basic as RFC 6749 §2.3.1 and x/oauth2 send it:
// id and secret form-encoded, then base64.
func basic(id, secret string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret)) }
}

// userInfo asks /oauth2/userInfo about an access token.
func (f *flow) userInfo(access string) int {
	f.t.Helper()
	req, _ := http.NewRequestWithContext(f.t.Context(), http.MethodGet, f.ui.URL()+"/oauth2/userInfo", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	resp, err := f.client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func (f *flow) exchange(code, verifier string) (int, tokens) {
	resp, body := f.do(http.MethodPost, f.ui.URL()+"/oauth2/token", url.Values{
		"grant_type": {"authorization_code"},
		"code":       {code}, "redirect_uri": {callback}, "code_verifier": {verifier},
	}, true)
	var tk tokens
	_ = json.Unmarshal([]byte(body), &tk)
	return resp.StatusCode, tk
}

func claims(t *testing.T, jwt string) map[string]any {
	p := strings.Split(jwt, ".")
	b, _ := base64.RawURLEncoding.DecodeString(p[1])
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestHostedUICodeFlow(t *testing.T) {
	f, iss := newFlow(t)
	verifier := strings.Repeat("v", 50)
	code := f.code(verifier)
	status, tk := f.exchange(code, verifier)
	if status != http.StatusOK || tk.IDToken == "" || tk.AccessToken == "" || tk.RefreshToken == "" {
		t.Fatalf("exchange: %d %+v", status, tk)
	}
	id := claims(t, tk.IDToken)
	if id["aud"] != iss.ClientID() || id["token_use"] != "id" || id["nonce"] != "n0nce" || id["email"] != "alice@example.com" || id["iss"] != iss.IssuerURL() {
		t.Fatalf("id token claims %v", id)
	}
	// The access token passes core's real verification.
	auth, err := core.New(append(iss.Options(), core.WithBearer(true), core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))...)
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	r, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://app/", nil)
	r.Header.Set("Authorization", "Bearer "+tk.AccessToken)
	u, err := auth.Authenticate(t.Context(), core.HTTPRequest(r))
	if err != nil || u.Username != "alice" || !u.IsIn("staff") || !u.HasScope("email") {
		t.Fatalf("access token: %+v %v", u, err)
	}
	// userInfo answers for the access token.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, f.ui.URL()+"/oauth2/userInfo", nil)
	req.Header.Set("Authorization", "Bearer "+tk.AccessToken)
	resp, _ := f.client.Do(req)
	_ = resp.Body.Close()
	// Refresh, then revoke, then refresh again fails.
	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken}}
	if resp, body := f.do(http.MethodPost, f.ui.URL()+"/oauth2/token", refresh, true); resp.StatusCode != http.StatusOK || !strings.Contains(body, "access_token") {
		t.Fatalf("refresh: %d %s", resp.StatusCode, body)
	}
	if resp, _ := f.do(http.MethodPost, f.ui.URL()+"/oauth2/revoke", url.Values{"token": {tk.RefreshToken}}, true); resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if resp, _ := f.do(http.MethodPost, f.ui.URL()+"/oauth2/token", refresh, true); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("refresh after revoke: %d", resp.StatusCode)
	}
	// Codes are single-use.
	if status, tk := f.exchange(code, verifier); status != http.StatusBadRequest || tk.Error != "invalid_grant" {
		t.Fatalf("code replay: %d %+v", status, tk)
	}
}

func TestHostedUIRefusals(t *testing.T) {
	f, _ := newFlow(t)
	verifier := strings.Repeat("w", 50)
	if status, tk := f.exchange(f.code(verifier), strings.Repeat("x", 50)); status != http.StatusBadRequest || tk.Error != "invalid_grant" {
		t.Fatalf("wrong PKCE verifier: %d %+v", status, tk)
	}
	code := f.code(verifier)
	resp, _ := f.do(http.MethodPost, f.ui.URL()+"/oauth2/token", url.Values{
		"grant_type": {"authorization_code"},
		"code":       {code}, "redirect_uri": {callback}, "code_verifier": {verifier}, "client_id": {cognitotest.DefaultClientID}, "client_secret": {"wrong"},
	}, false)
	if resp.StatusCode != http.StatusBadRequest { // token-endpoint.html: every error is a 400
		t.Fatalf("wrong client secret: %d", resp.StatusCode)
	}
	q := url.Values{"response_type": {"code"}, "client_id": {cognitotest.DefaultClientID}, "redirect_uri": {"https://evil.example/cb"}}
	if resp, _ := f.do(http.MethodGet, f.ui.URL()+"/oauth2/authorize?"+q.Encode(), nil, false); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unregistered redirect_uri: %d", resp.StatusCode)
	}
	bad := url.Values{"response_type": {"code"}, "client_id": {cognitotest.DefaultClientID}, "redirect_uri": {callback}, "username": {"alice"}, "password": {"nope"}}
	if resp, page := f.do(http.MethodPost, f.ui.URL()+"/login", bad, false); resp.StatusCode != http.StatusOK || !strings.Contains(page, "Incorrect") {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	lq := url.Values{"client_id": {cognitotest.DefaultClientID}}
	lq.Set("logout_uri", "https://app.example.com/")
	if resp, _ := f.do(http.MethodGet, f.ui.URL()+"/logout?"+lq.Encode(), nil, false); resp.StatusCode != http.StatusFound {
		t.Fatalf("allowed logout: %d", resp.StatusCode)
	}
	lq.Set("logout_uri", "https://evil.example/")
	if resp, _ := f.do(http.MethodGet, f.ui.URL()+"/logout?"+lq.Encode(), nil, false); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("disallowed logout URL: %d", resp.StatusCode)
	}
}

func TestHostedUIShortTokens(t *testing.T) {
	f, _ := newFlow(t, cognitotest.WithTokenTTL(2*time.Second))
	v := strings.Repeat("z", 50)
	_, tk := f.exchange(f.code(v), v)
	if tk.ExpiresIn != 2 {
		t.Fatalf("expires_in %d", tk.ExpiresIn)
	}
}

// TestHostedUIFormPostsUnderItsPrefix: mounted under a path prefix (as
// cognito-local serves it), the sign-in form's action is the hosted UI's
// own /login under that prefix, and posting the form there signs the user in.
func TestHostedUIFormPostsUnderItsPrefix(t *testing.T) {
	iss := cognitotest.Start(t)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ui := iss.NewHostedUI(srv.URL+"/.cognito-local/ui", cognitotest.WithRedirectURIs(callback))
	mux.Handle("/.cognito-local/ui/", http.StripPrefix("/.cognito-local/ui", ui.Handler()))
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"client_id": {iss.ClientID()}, "redirect_uri": {callback}, "response_type": {"code"}, "state": {"s1"}}
	resp, err := c.Get(ui.URL() + "/oauth2/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	m := regexp.MustCompile(`<form method="post" action="([^"]+)"`).FindSubmatch(page)
	if m == nil || string(m[1]) != "/.cognito-local/ui/login" {
		t.Fatalf("form action %q, want the prefixed /login:\n%s", m, page)
	}
	form := url.Values{"username": {"alice"}, "password": {cognitotest.DefaultPassword}}
	for k, v := range q {
		form[k] = v
	}
	resp, err = c.PostForm(srv.URL+string(m[1]), form)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, callback+"?code=") {
		t.Fatalf("posting the form where it says: %d %q", resp.StatusCode, loc)
	}
}
