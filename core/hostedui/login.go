package hostedui

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/internal/web"
)

// Login starts a login: it stores state, the PKCE verifier and a nonce in a
// sealed single-use cookie and redirects to the hosted UI.
func (h *HostedUI) Login(_ context.Context, x Exchange) core.Response {
	if _, ok := x.Cookie(h.signedOutCookie()); ok {
		// Just signed out (see Logout): say so, once, before any new
		// sign-in.
		x.SetCookie(h.cookie(h.signedOutCookie(), "", -1))
		return h.show(core.Page{
			Kind: core.PageSignedOut, Status: http.StatusOK, Title: "Signed out", Message: "You have been signed out.",
			Links: []core.PageLink{{ID: core.LinkSignIn, Text: "Sign in again", URL: h.LoginURL(x.Query("rd"))}},
		})
	}
	st := loginState{
		State: randomString(), Verifier: oauth2.GenerateVerifier(), Nonce: randomString(),
		Return: web.SafeReturnPath(x.Query("rd")), Expires: h.cfg.now().Add(10 * time.Minute).Unix(),
	}
	if err := h.writeSealed(x, x, h.loginCookie(), st, 600); err != nil {
		return h.message(http.StatusInternalServerError, "Sign-in failed", "Could not start the sign-in.", h.startLink())
	}
	authorize := h.oauth.AuthCodeURL(st.State, oauth2.S256ChallengeOption(st.Verifier), oauth2.SetAuthURLParam("nonce", st.Nonce))
	if x.Query("fresh") == "1" {
		// A fresh sign-in (core.RequireRecentSignIn): Cognito's logout
		// endpoint ends its own sign-in session and, given a redirect_uri
		// and "parameters for your subsequent request to the Login
		// endpoint" (logout-endpoint.html), shows the sign-in page with
		// them; the login endpoint "supports all the request parameters of
		// the authorize endpoint" (login-endpoint.html).
		_, query, _ := strings.Cut(authorize, "?")
		return redirect(h.cfg.base + "/logout?" + query)
	}
	return redirect(authorize)
}

// FreshLoginURL is LoginURL for a sign-in that must happen now, even when
// the user is still signed in at Cognito (core.FreshLoginRedirector): the
// browser signs out of Cognito's session first, signs in, and returns to
// returnPath.
func (h *HostedUI) FreshLoginURL(returnPath string) string {
	return h.LoginURL(returnPath) + "&fresh=1"
}

func (h *HostedUI) failed(reason string) core.Response {
	h.v.Logger().Info("cognito-auth: hosted-UI sign-in refused", "reason", reason)
	return h.message(http.StatusBadRequest, "Sign-in failed", "The sign-in could not be completed. Please try again.",
		core.PageLink{ID: core.LinkSignIn, Text: "Sign in again", URL: h.cfg.prefix + h.cfg.loginPath}, h.startLink())
}

// unavailable answers a callback that could not finish because a key server
// or the session store failed: 503 (fail closed), retry later.
func (h *HostedUI) unavailable(reason string) core.Response {
	h.v.Logger().Warn("cognito-auth: hosted-UI sign-in could not finish", "reason", reason)
	return h.message(http.StatusServiceUnavailable, "Sign-in unavailable", "Sign-in is temporarily unavailable. Please try again in a moment.",
		core.PageLink{ID: core.LinkRetry, Text: "Try again", URL: h.cfg.prefix + h.cfg.loginPath}, h.startLink())
}

// Callback completes a login: state, code exchange with the PKCE verifier,
// ID token (with nonce) and access token verification, then the session.
// The Verifier's observer (core.WithObserver) is told how it went.
func (h *HostedUI) Callback(ctx context.Context, x Exchange) core.Response {
	if len(h.observers) == 0 {
		return h.callback(ctx, x)
	}
	start := time.Now()
	r := h.callback(ctx, x)
	h.observe(ctx, SessionEvent{Kind: SessionLogin, Outcome: outcomeOf(r.Status), Start: start, Duration: time.Since(start)})
	return r
}

func (h *HostedUI) callback(ctx context.Context, x Exchange) core.Response {
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
		return h.message(http.StatusForbidden, "Email not verified", "Your email address is not verified yet. Verify it, then sign in again.", h.startLink())
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

// startLink is "Back to the start".
func (h *HostedUI) startLink() core.PageLink {
	return core.PageLink{ID: core.LinkStart, Text: "Back to the start", URL: h.StartURL()}
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
