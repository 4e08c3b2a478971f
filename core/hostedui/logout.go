package hostedui

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/internal/web"
)

// Logout signs the user out. GET shows a confirmation form (a cross-site GET never signs
// anyone out); POST with the session's CSRF token from the same origin
// clears the session, revokes the refresh token and ends the Cognito
// session (redirect to /logout with client_id and logout_uri). The
// Verifier's observer is told about every POST.
func (h *HostedUI) Logout(ctx context.Context, x Exchange) core.Response {
	if len(h.observers) == 0 || x.Method() != http.MethodPost {
		return h.logout(ctx, x)
	}
	start := time.Now()
	r := h.logout(ctx, x)
	h.observe(ctx, SessionEvent{Kind: SessionLogout, Outcome: outcomeOf(r.Status), Start: start, Duration: time.Since(start)})
	return r
}

func (h *HostedUI) logout(ctx context.Context, x Exchange) core.Response {
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
		// Cancel goes back to where the user was (rd, a same-origin path
		// as the app sees it), or to the start.
		return h.show(core.Page{
			Kind: core.PageSignOut, Status: http.StatusOK, Title: "Sign out", Message: "Sign out of this app?", SignedInAs: s.Email,
			Form:  &core.PageForm{Action: h.cfg.prefix + h.cfg.logoutPath, Fields: map[string]string{"csrf": token}, Button: "Sign out", ButtonID: "signout"},
			Links: []core.PageLink{{ID: core.LinkCancel, Text: "Cancel", URL: h.withPrefix(web.SafeReturnPath(x.Query("rd")))}},
		})
	}
	if !h.sameOrigin(x) {
		return h.message(http.StatusForbidden, "Sign-out refused", "The sign-out request did not come from this app.", h.startLink())
	}
	if has {
		if subtle.ConstantTimeCompare([]byte(x.FormValue("csrf")), []byte(h.seal.mac(s.ID))) != 1 {
			return h.message(http.StatusForbidden, "Sign-out refused", "The sign-out form has expired. Please try again.",
				core.PageLink{ID: core.LinkRetry, Text: "Try again", URL: h.SignOutURL("/")}, h.startLink())
		}
		if s.Refresh != "" {
			h.revoke(ctx, s.Refresh)
		}
		h.forgetSession(ctx, &s, "signed out")
	}
	h.clearFrom(x, x, h.sessionCookie(), 0)
	// Cognito's logout returns to the one registered sign-out URL; the
	// app then sends the browser to sign in, where this cookie shows the
	// signed-out notice first (Login).
	x.SetCookie(h.cookie(h.signedOutCookie(), "1", signedOutFor))
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
