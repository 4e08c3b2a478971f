package cognitotest

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// HostedUI is a local stand-in for the Cognito hosted UI of the issuer's
// pool, following Cognito's documented endpoints: /oauth2/authorize (a
// login form), /oauth2/token (authorization_code with client
// authentication, single-use codes and a PKCE S256 check; refresh_token),
// /oauth2/userInfo, /oauth2/revoke, /logout (only allowed logout URLs) and
// /.well-known/openid-configuration. Tokens are signed with the issuer's
// keys, so core verifies them for real.
type HostedUI struct {
	iss          *Issuer
	srv          *httptest.Server
	baseURL      string
	clientSecret string
	password     string
	users        []User
	redirects    []string
	logouts      []string
	ttl          time.Duration

	mu      sync.Mutex
	codes   map[string]*codeGrant
	refresh map[string]*refreshGrant
	access  map[string]User // access token -> user, for /oauth2/userInfo

	tokenCalls, refreshCalls, revokeCalls atomic.Int64
}

type codeGrant struct {
	user                     User
	clientID, redirectURI    string
	nonce, challenge, method string
	scope                    string
	expires                  time.Time
	used                     bool
}

type refreshGrant struct {
	user     User
	clientID string
	scope    string
	revoked  bool
}

// HostedUIOption configures a HostedUI.
type HostedUIOption func(*HostedUI)

// WithUsers sets the users who can sign in (default: one user per email
// given to Mint-style defaults: alice, root in admins).
func WithUsers(users ...User) HostedUIOption { return func(h *HostedUI) { h.users = users } }

// WithPassword sets the password every user signs in with (default "Passw0rd!").
func WithPassword(p string) HostedUIOption { return func(h *HostedUI) { h.password = p } }

// WithClientSecret sets the app client's secret (default none: a public
// client that authenticates with PKCE only).
func WithClientSecret(s string) HostedUIOption { return func(h *HostedUI) { h.clientSecret = s } }

// WithRedirectURIs sets the allowed callback URLs (exact match).
func WithRedirectURIs(uris ...string) HostedUIOption { return func(h *HostedUI) { h.redirects = uris } }

// WithLogoutURIs sets the allowed sign-out URLs (exact match).
func WithLogoutURIs(uris ...string) HostedUIOption { return func(h *HostedUI) { h.logouts = uris } }

// WithTokenTTL sets the lifetime of issued ID and access tokens (default 1h),
// for testing expiry and refresh.
func WithTokenTTL(d time.Duration) HostedUIOption { return func(h *HostedUI) { h.ttl = d } }

// DefaultPassword is the password of the local hosted UI's users.
const DefaultPassword = "Passw0rd!"

// NewHostedUI returns the hosted UI without starting a server: serve
// Handler() at baseURL yourself (as cognito-local does).
func (i *Issuer) NewHostedUI(baseURL string, opts ...HostedUIOption) *HostedUI {
	h := &HostedUI{
		iss: i, baseURL: strings.TrimRight(baseURL, "/"), password: DefaultPassword, ttl: time.Hour,
		users: []User{
			{Sub: "11111111-1111-4111-8111-111111111111", Username: "alice", Email: "alice@example.com", Groups: []string{"staff"}},
			{Sub: "22222222-2222-4222-8222-222222222222", Username: "root", Email: "root@example.com", Groups: []string{"staff", "admins"}},
		},
		codes: map[string]*codeGrant{}, refresh: map[string]*refreshGrant{}, access: map[string]User{},
	}
	for _, o := range opts {
		o(h)
	}
	for i := range h.users {
		h.users[i] = withDefaults(h.users[i]) // one sub per user, in every token
	}
	return h
}

// StartHostedUI starts the hosted UI on a local httptest server.
func (i *Issuer) StartHostedUI(opts ...HostedUIOption) *HostedUI {
	h := i.NewHostedUI("", opts...)
	h.srv = httptest.NewServer(h.Handler())
	h.baseURL = h.srv.URL
	return h
}

// Close stops the server StartHostedUI started.
func (h *HostedUI) Close() {
	if h.srv != nil {
		h.srv.Close()
	}
}

// URL is the hosted UI's base URL (what COGNITO_AUTH_DOMAIN points at).
func (h *HostedUI) URL() string { return h.baseURL }

// SetRedirectURIs replaces the allowed callback URLs.
func (h *HostedUI) SetRedirectURIs(uris ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.redirects = uris
}

// SetLogoutURIs replaces the allowed sign-out URLs.
func (h *HostedUI) SetLogoutURIs(uris ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.logouts = uris
}

// TokenCalls counts token endpoint calls.
func (h *HostedUI) TokenCalls() int64 { return h.tokenCalls.Load() }

// RefreshCalls counts refresh_token grants.
func (h *HostedUI) RefreshCalls() int64 { return h.refreshCalls.Load() }

// RevokeCalls counts /oauth2/revoke calls.
func (h *HostedUI) RevokeCalls() int64 { return h.revokeCalls.Load() }

// Handler serves the hosted UI endpoints.
func (h *HostedUI) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth2/authorize", h.authorize)
	mux.HandleFunc("POST /login", h.login)
	mux.HandleFunc("POST /oauth2/token", h.token)
	mux.HandleFunc("GET /oauth2/userInfo", h.userInfo)
	mux.HandleFunc("POST /oauth2/revoke", h.revoke)
	mux.HandleFunc("GET /logout", h.logout)
	mux.HandleFunc("GET /.well-known/openid-configuration", h.discovery)
	return mux
}

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body>
<h1>Sign in</h1>
<form method="post" action="{{.Action}}">
{{range $k, $v := .Params}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}<label>Username <input id="username" name="username" autocomplete="username"></label>
<label>Password <input id="password" name="password" type="password"></label>
<button id="signin" type="submit">Sign in</button>
</form>{{if .Error}}<p id="error">{{.Error}}</p>{{end}}</body></html>
`))

func (h *HostedUI) allowed(list []string, uri string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Contains(list, uri)
}

// authorize validates the request and shows the login form.
func (h *HostedUI) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != h.iss.ClientID() {
		http.Error(w, "invalid client_id", http.StatusBadRequest)
		return
	}
	if !h.allowed(h.redirects, q.Get("redirect_uri")) {
		http.Error(w, "redirect_mismatch", http.StatusBadRequest)
		return
	}
	if q.Get("response_type") != "code" {
		http.Error(w, "unsupported_response_type", http.StatusBadRequest)
		return
	}
	if m := q.Get("code_challenge_method"); q.Get("code_challenge") != "" && m != "S256" {
		http.Error(w, "only S256 code challenges", http.StatusBadRequest)
		return
	}
	h.renderLogin(w, q, "")
}

func (h *HostedUI) renderLogin(w http.ResponseWriter, q url.Values, errMsg string) {
	params := map[string]string{}
	for _, k := range []string{"client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method", "nonce"} {
		params[k] = q.Get(k)
	}
	// The form posts to this hosted UI's own /login, wherever it is mounted
	// (cognito-local serves it under a path prefix).
	action := "/login"
	if u, err := url.Parse(h.URL()); err == nil {
		action = strings.TrimRight(u.Path, "/") + "/login"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = loginPage.Execute(w, struct {
		Action string
		Params map[string]string
		Error  string
	}{action, params, errMsg})
}

// login checks the credentials and redirects back with a single-use code.
func (h *HostedUI) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	f := r.PostForm
	if f.Get("client_id") != h.iss.ClientID() || !h.allowed(h.redirects, f.Get("redirect_uri")) {
		http.Error(w, "invalid request", http.StatusBadRequest)
		return
	}
	var user *User
	for i := range h.users {
		u := h.users[i]
		if (strings.EqualFold(u.Username, f.Get("username")) || strings.EqualFold(u.Email, f.Get("username"))) &&
			subtle.ConstantTimeCompare([]byte(f.Get("password")), []byte(h.password)) == 1 {
			user = &u
		}
	}
	if user == nil {
		h.renderLogin(w, f, "Incorrect username or password.")
		return
	}
	code := randomToken()
	h.mu.Lock()
	h.codes[code] = &codeGrant{
		user: *user, clientID: f.Get("client_id"), redirectURI: f.Get("redirect_uri"),
		nonce: f.Get("nonce"), challenge: f.Get("code_challenge"), method: f.Get("code_challenge_method"),
		scope: f.Get("scope"), expires: time.Now().Add(5 * time.Minute),
	}
	h.mu.Unlock()
	to, _ := url.Parse(f.Get("redirect_uri"))
	q := to.Query()
	q.Set("code", code)
	if s := f.Get("state"); s != "" {
		q.Set("state", s)
	}
	to.RawQuery = q.Encode()
	http.Redirect(w, r, to.String(), http.StatusFound) //nolint:gosec // redirect_uri was checked against the allow-list
}

// clientAuth checks HTTP Basic or form client credentials.
func (h *HostedUI) clientAuth(r *http.Request) bool {
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != h.iss.ClientID() {
		return false
	}
	return h.clientSecret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(h.clientSecret)) == 1
}

func (h *HostedUI) token(w http.ResponseWriter, r *http.Request) {
	h.tokenCalls.Add(1)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "bad form")
		return
	}
	if !h.clientAuth(r) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		h.codeGrant(w, r)
	case "refresh_token":
		h.refreshGrant(w, r)
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "")
	}
}

func (h *HostedUI) codeGrant(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	h.mu.Lock()
	g := h.codes[f.Get("code")]
	valid := g != nil && !g.used && time.Now().Before(g.expires)
	if g != nil {
		g.used = true // single use, even when this attempt fails
	}
	h.mu.Unlock()
	if !valid || g.redirectURI != f.Get("redirect_uri") {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "code is invalid, used or expired")
		return
	}
	if g.challenge != "" {
		sum := sha256.Sum256([]byte(f.Get("code_verifier")))
		if base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed")
			return
		}
	}
	rt := randomToken()
	h.mu.Lock()
	h.refresh[rt] = &refreshGrant{user: g.user, clientID: g.clientID, scope: g.scope}
	h.mu.Unlock()
	h.writeTokens(w, g.user, g.nonce, g.scope, rt)
}

func (h *HostedUI) refreshGrant(w http.ResponseWriter, r *http.Request) {
	h.refreshCalls.Add(1)
	h.mu.Lock()
	g := h.refresh[r.PostForm.Get("refresh_token")]
	valid := g != nil && !g.revoked
	h.mu.Unlock()
	if !valid {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "refresh token is invalid or revoked")
		return
	}
	h.writeTokens(w, g.user, "", g.scope, "") // Cognito does not rotate refresh tokens
}

func (h *HostedUI) writeTokens(w http.ResponseWriter, u User, nonce, scope, refresh string) {
	if scope == "" {
		scope = "openid email profile"
	}
	access := h.iss.Mint(u, ExpiresIn(h.ttl), WithAccessClaim("scope", scope)).AccessToken
	h.mu.Lock()
	h.access[access] = u
	h.mu.Unlock()
	body := map[string]any{
		"id_token": h.iss.MintIDToken(u, h.iss.ClientID(), nonce, h.ttl), "access_token": access,
		"token_type": "Bearer", "expires_in": int(h.ttl.Seconds()),
	}
	if refresh != "" {
		body["refresh_token"] = refresh
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(body)
}

func (h *HostedUI) userInfo(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	h.mu.Lock()
	u, known := h.access[tok]
	h.mu.Unlock()
	if !ok || !known {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		oauthError(w, http.StatusUnauthorized, "invalid_token", "")
		return
	}
	u = withDefaults(u)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"sub": u.Sub, "username": u.Username, "email": u.Email, "email_verified": strconv.FormatBool(!u.EmailUnverified),
		"name": u.Name, "given_name": u.GivenName, "family_name": u.FamilyName,
	})
}

func (h *HostedUI) revoke(w http.ResponseWriter, r *http.Request) {
	h.revokeCalls.Add(1)
	if err := r.ParseForm(); err != nil || !h.clientAuth(r) {
		oauthError(w, http.StatusBadRequest, "invalid_client", "")
		return
	}
	h.mu.Lock()
	if g := h.refresh[r.PostForm.Get("token")]; g != nil {
		g.revoked = true
	}
	h.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// logout ends the hosted UI session and returns to an allowed logout URL.
func (h *HostedUI) logout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != h.iss.ClientID() || !h.allowed(h.logouts, q.Get("logout_uri")) {
		http.Error(w, "logout_uri is not an allowed sign-out URL", http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, q.Get("logout_uri"), http.StatusFound) //nolint:gosec // logout_uri was checked against the allow-list
}

func (h *HostedUI) discovery(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer": h.iss.IssuerURL(), "authorization_endpoint": h.baseURL + "/oauth2/authorize",
		"token_endpoint": h.baseURL + "/oauth2/token", "userinfo_endpoint": h.baseURL + "/oauth2/userInfo",
		"revocation_endpoint": h.baseURL + "/oauth2/revoke", "end_session_endpoint": h.baseURL + "/logout",
		"jwks_uri": h.iss.JWKSURL(), "response_types_supported": []string{"code"},
		"code_challenge_methods_supported": []string{"S256"}, "id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported": []string{"openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"},
	})
}
