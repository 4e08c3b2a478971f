package cognitotest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// HostedUI is a local stand-in for the Cognito hosted UI (managed login) of
// the issuer's pool, its sign-in app client and any machine app clients
// (WithMachineClient). It is as strict as Cognito's documentation:
// /oauth2/authorize (a login form), /oauth2/token (authorization_code and
// refresh_token grants for the sign-in app client, with the documented
// client authentication, single-use codes bound to their redirect_uri, PKCE
// S256, optional refresh token rotation; client_credentials grants for the
// machine clients), /oauth2/userInfo, /oauth2/revoke,
// /logout and /.well-known/openid-configuration. Each rule in the handlers
// names the AWS page it follows. Tokens are signed with the issuer's keys,
// so core verifies them for real.
type HostedUI struct {
	iss          *Issuer
	srv          *httptest.Server
	baseURL      string
	clientSecret string // "" is a public app client
	password     string
	users        []User
	scopes       []string // the app client's allowed OAuth scopes
	ttl          time.Duration
	rotate       bool                 // refresh token rotation
	grace        time.Duration        // RetryGracePeriodSeconds
	machines     map[string]appClient // client-credentials app clients, by id
	now          func() time.Time

	mu        sync.Mutex
	redirects []string
	logouts   []string
	grants    grants
	signedOut map[string]time.Time // lower-cased username -> when GlobalSignOut ended their sign-ins

	tokenCalls, refreshCalls, revokeCalls, machineCalls, userInfoCalls atomic.Int64
}

// HostedUIOption configures a HostedUI.
type HostedUIOption func(*HostedUI)

// WithUsers sets the users who can sign in (default: alice in staff, root
// in staff and admins).
func WithUsers(users ...User) HostedUIOption { return func(h *HostedUI) { h.users = users } }

// WithPassword sets the password every user signs in with (default "Passw0rd!").
func WithPassword(p string) HostedUIOption { return func(h *HostedUI) { h.password = p } }

// WithClientSecret sets the app client's secret (default none: a public
// client, which sends client_id in the request body and no Authorization
// header).
func WithClientSecret(s string) HostedUIOption { return func(h *HostedUI) { h.clientSecret = s } }

// WithRedirectURIs sets the allowed callback URLs (exact match).
func WithRedirectURIs(uris ...string) HostedUIOption { return func(h *HostedUI) { h.redirects = uris } }

// WithLogoutURIs sets the allowed sign-out URLs (exact match).
func WithLogoutURIs(uris ...string) HostedUIOption { return func(h *HostedUI) { h.logouts = uris } }

// WithAllowedScopes sets the app client's allowed OAuth scopes; a request
// for any other scope is refused with invalid_scope (default: openid,
// email, profile, phone and aws.cognito.signin.user.admin). Add custom
// scopes here when the app asks for them.
func WithAllowedScopes(scopes ...string) HostedUIOption {
	return func(h *HostedUI) { h.scopes = scopes }
}

// WithTokenTTL sets the lifetime of issued ID and access tokens (default 1h),
// for testing expiry and refresh.
func WithTokenTTL(d time.Duration) HostedUIOption { return func(h *HostedUI) { h.ttl = d } }

// MaxRefreshGrace is the longest retry grace period Cognito allows for a
// rotated-out refresh token (RetryGracePeriodSeconds 0-60).
const MaxRefreshGrace = 60 * time.Second

// WithRefreshRotation turns on refresh token rotation, as the app client's
// RefreshTokenRotation with Feature ENABLED: every refresh_token grant
// returns a new refresh token and retires the one sent, which keeps working
// for grace after its first use (RetryGracePeriodSeconds; 0 retires it at
// once) and then fails with invalid_grant. CreateUserPoolClient accepts 0
// to 60 seconds: a grace outside that range is taken as the nearest end
// (cognito-local's -refresh-grace refuses it). Without this option a
// refresh returns no refresh_token and the original one stays valid.
func WithRefreshRotation(grace time.Duration) HostedUIOption {
	return func(h *HostedUI) { h.rotate, h.grace = true, min(max(grace, 0), MaxRefreshGrace) }
}

// DefaultPassword is the password of the local hosted UI's users.
const DefaultPassword = "Passw0rd!"

// defaultScopes are the system-reserved scopes Cognito documents for
// /oauth2/authorize.
var defaultScopes = []string{"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"}

// NewHostedUI returns the hosted UI without starting a server: serve
// Handler() at baseURL yourself (as cognito-local does).
func (i *Issuer) NewHostedUI(baseURL string, opts ...HostedUIOption) *HostedUI {
	h := &HostedUI{
		iss: i, baseURL: strings.TrimRight(baseURL, "/"), password: DefaultPassword, ttl: time.Hour,
		users: []User{
			{Sub: "11111111-1111-4111-8111-111111111111", Username: "alice", Email: "alice@example.com", Groups: []string{"staff"}},
			{Sub: "22222222-2222-4222-8222-222222222222", Username: "root", Email: "root@example.com", Groups: []string{"staff", "admins"}},
		},
		scopes: slices.Clone(defaultScopes), now: time.Now, grants: newGrants(),
	}
	for _, o := range opts {
		o(h)
	}
	// The sign-in app client is not a machine client, whatever the options
	// say: its client-credentials requests are refused (unauthorized_client).
	delete(h.machines, i.ClientID())
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

// TokenCalls counts token endpoint calls, refused ones included.
func (h *HostedUI) TokenCalls() int64 { return h.tokenCalls.Load() }

// RefreshCalls counts refresh_token grants from an authenticated client.
func (h *HostedUI) RefreshCalls() int64 { return h.refreshCalls.Load() }

// UserInfoCalls returns how many requests /oauth2/userInfo has answered.
func (h *HostedUI) UserInfoCalls() int64 { return h.userInfoCalls.Load() }

// RevokeCalls counts /oauth2/revoke calls, refused ones included.
func (h *HostedUI) RevokeCalls() int64 { return h.revokeCalls.Load() }

// LiveRefreshTokens counts the refresh tokens the token endpoint would
// accept now: not revoked, and not rotated out past their grace period. It
// lets a test see that a client's refreshes retire the tokens they replace.
func (h *HostedUI) LiveRefreshTokens() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.grants.liveRefresh(h.now(), h.grace)
}

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

// oauthErr is an OAuth 2.0 error response: the HTTP status, the error code
// and a description for the developer.
type oauthErr struct {
	status    int
	code, why string
}

func (e *oauthErr) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": e.code, "error_description": e.why})
}

func badRequest(code, why string) *oauthErr { return &oauthErr{http.StatusBadRequest, code, why} }

func (h *HostedUI) allowed(list *[]string, uri string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Contains(*list, uri)
}

func (h *HostedUI) discovery(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer": h.iss.IssuerURL(), "authorization_endpoint": h.baseURL + "/oauth2/authorize",
		"token_endpoint": h.baseURL + "/oauth2/token", "userinfo_endpoint": h.baseURL + "/oauth2/userInfo",
		"revocation_endpoint": h.baseURL + "/oauth2/revoke", "end_session_endpoint": h.baseURL + "/logout",
		"jwks_uri": h.iss.JWKSURL(), "response_types_supported": []string{"code"},
		"code_challenge_methods_supported": []string{"S256"}, "id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"scopes_supported":                      h.scopes,
	})
}
