package hostedui

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/internal/tokencache"
)

// HostedUI runs the hosted-UI login for a BaseAuth. Build one per process
// with New; it is safe for concurrent use.
type HostedUI struct {
	v       *core.Verifier
	cfg     *config
	seal    *sealer
	oauth   *oauth2.Config
	refresh singleflight.Group
	opened  *tokencache.Cache[*session] // opened session cookies, by sealed value
	renewed *tokencache.Cache[*session] // cookie sessions renewed in this process, by session id, until they end
	dead    *tokencache.Cache[bool]     // refresh tokens Cognito refused, never sent again
	// instance names this HostedUI among the app instances sharing a Store
	// (the holder of a session's renewal lease).
	instance string
}

// New configures the hosted-UI login from the environment (options override
// it), verifying tokens with v. The HostedUI is a core.Source: hand it to
// core.New with core.WithSources(ui) (and the same v with core.WithVerifier),
// so the BaseAuth accepts its sessions, lets its routes through and sends
// browsers without a session to its login route. Every configuration
// problem is returned together, each a *core.Error with code invalid_config.
func New(v *core.Verifier, opts ...Option) (*HostedUI, error) {
	cfg, err := loadConfig(v, opts)
	if err != nil {
		return nil, err
	}
	seal, err := newSealer(cfg.secrets)
	if err != nil {
		return nil, configError("%v", err)
	}
	scopes := append([]string{"openid", "email", "profile"}, cfg.scopes...)
	// Client authentication as Cognito's token endpoint documents it
	// (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html):
	// a client with a secret sends "Authorization: Basic" with the
	// form-encoded id and secret (client_secret_basic); a public client sends
	// client_id in the body and no Authorization header.
	style := oauth2.AuthStyleInHeader
	if cfg.clientSecret == "" {
		style = oauth2.AuthStyleInParams
	}
	h := &HostedUI{
		v: v, cfg: cfg, seal: seal, instance: randomString(),
		opened: tokencache.New[*session](10_000, 64<<20), renewed: tokencache.New[*session](10_000, 64<<20), dead: tokencache.New[bool](10_000, 16<<20),
	}
	h.oauth = &oauth2.Config{
		ClientID:     v.ClientIDs()[0],
		ClientSecret: cfg.clientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL: cfg.base + "/oauth2/authorize", TokenURL: cfg.base + "/oauth2/token",
			AuthStyle: style,
		},
		RedirectURL: cfg.appURL + cfg.callbackPath,
		Scopes:      scopes,
	}
	return h, nil
}

// Verifier returns the Verifier the HostedUI verifies tokens with, for
// core.WithVerifier.
func (h *HostedUI) Verifier() *core.Verifier { return h.v }

// Paths returns the routes to mount: login, callback and logout (relative
// to the app's mount prefix).
func (h *HostedUI) Paths() (login, callback, logout string) {
	return h.cfg.loginPath, h.cfg.callbackPath, h.cfg.logoutPath
}

// LoginURL implements core.LoginRedirector: where a browser without a
// session goes to sign in.
func (h *HostedUI) LoginURL(returnPath string) string {
	return h.cfg.prefix + h.cfg.loginPath + "?rd=" + url.QueryEscape(core.SafeReturnPath(returnPath))
}

// SourceName implements core.NamedSource: decisions made from the session
// cookie are reported as "session".
func (*HostedUI) SourceName() string { return "session" }

// OwnsPath implements core.PathOwner: the login, callback and logout routes,
// exactly as the app sees them — without the mount prefix, which a proxy
// (http.StripPrefix, API Gateway's stage) removes before the app. A path
// that still starts with the prefix ("/Prod/login/cognito", reached by
// asking for "/Prod/Prod/login/cognito") is not one of them: letting it
// through would open whatever route serves it.
func (h *HostedUI) OwnsPath(path string) bool { return h.route(path) != nil }

// route returns the handler of the login, callback or logout route at path
// (as the app sees it), or nil.
func (h *HostedUI) route(path string) func(context.Context, Exchange) Response {
	switch path {
	case h.cfg.loginPath:
		return h.Login
	case h.cfg.callbackPath:
		return h.Callback
	case h.cfg.logoutPath:
		return h.Logout
	}
	return nil
}

// Exchange is one request as the hosted-UI routes need it. Adapters
// implement it over their framework's request and response.
type Exchange interface {
	core.Request
	core.CookieWriter
	Method() string
	Query(name string) string
	FormValue(name string) string
}

// Response is what a hosted-UI route answers; cookies were already set
// through the Exchange. Adapters render it with their framework's calls.
type Response struct {
	Status      int
	Location    string // for redirects
	ContentType string
	Body        []byte
}

func redirect(loc string) Response { return Response{Status: http.StatusSeeOther, Location: loc} }

func page(status int, title, msg, extra string) Response {
	var b strings.Builder
	_ = pageTmpl.Execute(&b, struct {
		Title, Message string
		Extra          template.HTML
	}{title, msg, template.HTML(extra)}) //nolint:gosec // extra is built from escaped values only
	return Response{Status: status, ContentType: "text/html; charset=utf-8", Body: []byte(b.String())}
}

var pageTmpl = template.Must(template.New("p").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}</style></head>
<body><h1>{{.Title}}</h1><p>{{.Message}}</p>{{.Extra}}</body></html>`))

func randomString() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Login starts a login: it stores state, the PKCE verifier and a nonce in a
// sealed single-use cookie and redirects to the hosted UI.
func (h *HostedUI) Login(_ context.Context, x Exchange) Response {
	st := loginState{
		State: randomString(), Verifier: oauth2.GenerateVerifier(), Nonce: randomString(),
		Return: core.SafeReturnPath(x.Query("rd")), Expires: h.cfg.now().Add(10 * time.Minute).Unix(),
	}
	if err := h.writeSealed(x, x, h.loginCookie(), st, 600); err != nil {
		return page(http.StatusInternalServerError, "Sign-in failed", "Could not start the sign-in.", "")
	}
	return redirect(h.oauth.AuthCodeURL(st.State, oauth2.S256ChallengeOption(st.Verifier), oauth2.SetAuthURLParam("nonce", st.Nonce)))
}

func (h *HostedUI) failed(reason string) Response {
	h.v.Logger().Info("cognito-auth: hosted-UI sign-in refused", "reason", reason)
	again := `<p><a href="` + template.HTMLEscapeString(h.cfg.prefix+h.cfg.loginPath) + `">Sign in again</a></p>`
	return page(http.StatusBadRequest, "Sign-in failed", "The sign-in could not be completed. Please try again.", again)
}

// unavailable answers a callback that could not finish because a key server
// or the session store failed: 503 (fail closed), retry later.
func (h *HostedUI) unavailable(reason string) Response {
	h.v.Logger().Warn("cognito-auth: hosted-UI sign-in could not finish", "reason", reason)
	again := `<p><a href="` + template.HTMLEscapeString(h.cfg.prefix+h.cfg.loginPath) + `">Try again</a></p>`
	return page(http.StatusServiceUnavailable, "Sign-in unavailable", "Sign-in is temporarily unavailable. Please try again in a moment.", again)
}

// Callback completes a login: state, code exchange with the PKCE verifier,
// ID token (with nonce) and access token verification, then the session.
// The Verifier's observer (core.WithObserver) is told how it went.
func (h *HostedUI) Callback(ctx context.Context, x Exchange) Response {
	o := h.v.Observer()
	if o == nil {
		return h.callback(ctx, x)
	}
	start := time.Now()
	r := h.callback(ctx, x)
	o.ObserveSession(ctx, core.SessionEvent{Kind: core.SessionLogin, Outcome: outcomeOf(r.Status), Start: start, Duration: time.Since(start)})
	return r
}

func (h *HostedUI) callback(ctx context.Context, x Exchange) Response {
	var st loginState
	found, err := h.readSealed(x, h.loginCookie(), &st)
	h.clearFrom(x, x, h.loginCookie(), 0) // single use, whatever happens next
	switch {
	case !found:
		return h.failed("no login in progress (missing or already used state)")
	case err != nil:
		return h.failed("login state cookie does not open")
	case h.cfg.now().Unix() > st.Expires:
		return h.failed("login took too long")
	case x.Query("error") != "":
		return h.failed("the hosted UI answered " + x.Query("error"))
	case subtle.ConstantTimeCompare([]byte(x.Query("state")), []byte(st.State)) != 1:
		return h.failed("state does not match")
	case x.Query("code") == "":
		return h.failed("no code")
	}
	tctx := context.WithValue(ctx, oauth2.HTTPClient, h.cfg.httpClient)
	tok, err := h.oauth.Exchange(tctx, x.Query("code"), oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return h.failed("code exchange: " + oauthReason(err))
	}
	idToken, _ := tok.Extra("id_token").(string)
	claims, err := h.v.VerifyIDToken(ctx, idToken, st.Nonce)
	if errors.Is(err, core.ErrUnavailable) {
		return h.unavailable("ID token: " + err.Error())
	}
	if err != nil {
		return h.failed("ID token: " + string(core.CodeOf(err)))
	}
	user, err := h.v.VerifyAccessToken(ctx, tok.AccessToken)
	if errors.Is(err, core.ErrUnavailable) {
		return h.unavailable("access token: " + err.Error())
	}
	if err != nil || user.Sub != claims.Sub {
		return h.failed("access token does not verify or names another user")
	}
	if claims.Email != "" && !claims.EmailVerified && !h.v.AllowsUnverifiedEmail() {
		return page(http.StatusForbidden, "Access denied", "Your email address is not verified.", "")
	}
	now := h.cfg.now()
	s := &session{
		V: sessionVersion, ID: randomString(), Sub: claims.Sub, Email: claims.Email, EmailVerified: claims.EmailVerified,
		Name: claims.Name, GivenName: claims.GivenName, FamilyName: claims.FamilyName,
		Access: tok.AccessToken, Refresh: tok.RefreshToken, AccessExp: user.ExpiresAt.Unix(), AccessIat: now.Unix(),
		Created: now.Unix(), Seen: now.Unix(), Expires: now.Add(h.cfg.sessionTTL).Unix(),
	}
	if h.cfg.userInfo {
		s.Attributes = h.userInfo(ctx, tok.AccessToken)
	}
	if err := h.create(ctx, x, x, s); errors.Is(err, core.ErrUnavailable) {
		return h.unavailable("saving the session: " + err.Error()) // the store is down: 503, retry later
	} else if err != nil {
		return h.failed("saving the session: " + err.Error())
	}
	return redirect(h.withPrefix(st.Return))
}

// withPrefix puts the mount prefix in front of a return path that lacks it.
func (h *HostedUI) withPrefix(p string) string {
	if h.cfg.prefix == "" || strings.HasPrefix(p, h.cfg.prefix+"/") || p == h.cfg.prefix {
		return p
	}
	return h.cfg.prefix + p
}

// oauthReason says why a token request failed, for logs and error details:
// the OAuth error code Cognito answered, else its HTTP status, else that no
// answer came. Never token contents.
func oauthReason(err error) string {
	var re *oauth2.RetrieveError
	var ne net.Error
	switch {
	case errors.As(err, &re) && re.ErrorCode != "":
		return re.ErrorCode
	case errors.As(err, &re) && re.Response != nil:
		return "HTTP " + strconv.Itoa(re.Response.StatusCode)
	case errors.As(err, &ne) && ne.Timeout():
		return "no answer in time"
	}
	return "no answer from the token endpoint"
}

// create saves a new session: in the Store with a cookie that points at
// it, or whole in the cookie.
func (h *HostedUI) create(ctx context.Context, w core.CookieWriter, req core.Request, s *session) error {
	if h.cfg.store == nil {
		return h.writeSealed(w, req, h.sessionCookie(), s, h.maxAge(s))
	}
	data, err := h.sealStored(s)
	if err != nil {
		return err
	}
	if err := h.cfg.store.Set(ctx, s.ID, data, h.ttl(s)); err != nil {
		return storeError("saving the session", err)
	}
	return h.writeSealed(w, req, h.sessionCookie(), sessionRef{V: sessionVersion, ID: s.ID}, h.maxAge(s))
}

// userInfo fetches the user's attributes once, at login.
func (h *HostedUI) userInfo(ctx context.Context, access string) map[string]string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.cfg.base+"/oauth2/userInfo", nil)
	if err != nil {
		return nil
	}
	req.Header.Set("Authorization", "Bearer "+access)
	resp, err := h.cfg.httpClient.Do(req)
	if err != nil {
		return nil
	}
	defer func() { _ = resp.Body.Close() }()
	var raw map[string]any
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&raw) != nil {
		return nil
	}
	out := map[string]string{}
	for k, v := range raw {
		if s, ok := v.(string); ok && s != "" {
			out[k] = s
		}
	}
	return out
}

// Logout signs the user out. GET shows a confirmation form (a cross-site GET never signs
// anyone out); POST with the session's CSRF token from the same origin
// clears the session, revokes the refresh token and ends the Cognito
// session (redirect to /logout with client_id and logout_uri). The
// Verifier's observer is told about every POST.
func (h *HostedUI) Logout(ctx context.Context, x Exchange) Response {
	o := h.v.Observer()
	if o == nil || x.Method() != http.MethodPost {
		return h.logout(ctx, x)
	}
	start := time.Now()
	r := h.logout(ctx, x)
	o.ObserveSession(ctx, core.SessionEvent{Kind: core.SessionLogout, Outcome: outcomeOf(r.Status), Start: start, Duration: time.Since(start)})
	return r
}

// outcomeOf classifies a hosted-UI route's answer: its redirects are the
// successes.
func outcomeOf(status int) core.Outcome {
	switch status {
	case http.StatusSeeOther, http.StatusFound:
		return core.OutcomeAllowed
	case http.StatusServiceUnavailable:
		return core.OutcomeUnavailable
	case http.StatusForbidden:
		return core.OutcomeForbidden
	case http.StatusInternalServerError:
		return core.OutcomeError
	}
	return core.OutcomeUnauthenticated
}

func (h *HostedUI) logout(ctx context.Context, x Exchange) Response {
	l, found, err := h.loadSession(ctx, x)
	has := found && err == nil
	var s session
	if has {
		s = l.s
	}
	if x.Method() != http.MethodPost {
		token := ""
		if has {
			token = h.seal.mac(s.ID)
		}
		form := `<form method="post" action="` + template.HTMLEscapeString(h.cfg.prefix+h.cfg.logoutPath) + `">` +
			`<input type="hidden" name="csrf" value="` + template.HTMLEscapeString(token) + `">` +
			`<button type="submit" id="signout">Sign out</button></form>`
		return page(http.StatusOK, "Sign out", "Sign out of this app?", form)
	}
	if !h.sameOrigin(x) {
		return page(http.StatusForbidden, "Sign-out refused", "The sign-out request did not come from this app.", "")
	}
	if has {
		if subtle.ConstantTimeCompare([]byte(x.FormValue("csrf")), []byte(h.seal.mac(s.ID))) != 1 {
			return page(http.StatusForbidden, "Sign-out refused", "The sign-out form has expired. Please try again.", "")
		}
		if s.Refresh != "" {
			h.revoke(ctx, s.Refresh)
		}
		// Forget any refresh of this session, so a stale copy of the cookie
		// cannot pick up tokens renewed before the logout.
		h.renewed.Put(&tokencache.Key{A: s.ID, C: "renewed"}, &s, time.Unix(0, 0))
		if h.cfg.store != nil {
			if err := h.cfg.store.Delete(ctx, s.ID); err != nil {
				h.v.Logger().Warn("cognito-auth: deleting the session from the store failed", "error", err.Error())
			}
		}
	}
	h.clearFrom(x, x, h.sessionCookie(), 0)
	q := url.Values{"client_id": {h.oauth.ClientID}, "logout_uri": {h.cfg.logoutURI}}
	return redirect(h.cfg.base + "/logout?" + q.Encode())
}

// sameOrigin refuses requests a browser marks as cross-site.
func (h *HostedUI) sameOrigin(x Exchange) bool {
	if v := firstHeader(x, "Sec-Fetch-Site"); v != "" && v != "same-origin" && v != "none" {
		return false
	}
	if o := firstHeader(x, "Origin"); o != "" {
		app, _ := url.Parse(h.cfg.appURL)
		return o == app.Scheme+"://"+app.Host
	}
	return true
}

func firstHeader(r core.Request, name string) string {
	if v := r.HeaderValues(name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// The HostedUI is a credential source that owns its routes and signs
// browsers in.
var (
	_ core.Source          = (*HostedUI)(nil)
	_ core.PathOwner       = (*HostedUI)(nil)
	_ core.LoginRedirector = (*HostedUI)(nil)
)
