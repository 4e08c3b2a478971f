package hostedui

import (
	"context"
	"crypto/subtle"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/internal/tokencache"
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
