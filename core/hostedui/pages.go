package hostedui

import (
	"net/http"
	"net/url"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/internal/web"
)

// redirect sends the browser on (303: the next request is a GET).
func redirect(loc string) core.Response { return core.NewRedirect(http.StatusSeeOther, loc) }

// show renders p with the app's renderer (WithPages), or the library's.
func (h *HostedUI) show(p core.Page) core.Response {
	if h.cfg.pages != nil {
		if b := h.cfg.pages(p); len(b) > 0 {
			return core.NewPage(p.Status, b)
		}
	}
	return core.NewPage(p.Status, core.RenderPage(p))
}

// message is a PageMessage: a title, a message and what to do next.
func (h *HostedUI) message(status int, title, msg string, links ...core.PageLink) core.Response {
	return h.show(core.Page{Kind: core.PageMessage, Status: status, Title: title, Message: msg, Links: links})
}

// SignOutURL implements core.PageLinker: the sign-out confirmation, whose
// Cancel goes back to returnPath (a same-origin path as the app sees it).
func (h *HostedUI) SignOutURL(returnPath string) string {
	return h.cfg.prefix + h.cfg.logoutPath + "?rd=" + url.QueryEscape(web.SafeReturnPath(returnPath))
}

// StartURL implements core.PageLinker: the root of the app's external URL
// (COGNITO_AUTH_APP_URL's path, then "/").
func (h *HostedUI) StartURL() string { return h.cfg.prefix + "/" }

// signedOutCookie marks a browser that has just signed out, so that the
// next sign-in starts with the signed-out notice: Cognito's logout sends
// the browser to the one registered sign-out URL (COGNITO_AUTH_LOGOUT_URI,
// matched exactly, so it carries no flag), and from there the app sends
// it to sign in.
func (h *HostedUI) signedOutCookie() string { return h.cookieName("cognito-signed-out") }

// signedOutFor is how long the signed-out notice waits for the browser's
// next sign-in: the round trip through Cognito's logout, with room.
const signedOutFor = 5 * 60
