package core

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/cognitoauth/cognito-auth-go/core/internal/web"
)

// Response is an answer core or a package extending it gives in the app's
// place: a refused request (BaseAuth.Failure), a browser sent to sign in,
// or a hosted-UI route's page or redirect. Adapters render every Response
// the same way, with their framework's calls: set each Header, then write
// Status and Body (empty for a redirect, whose target is the Location
// header). Its security headers are already set; it never carries token
// contents or internal error text.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Write renders r on a net/http ResponseWriter.
func (r *Response) Write(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range r.Header {
		h[k] = append([]string(nil), v...)
	}
	w.WriteHeader(r.Status)
	if len(r.Body) > 0 {
		_, _ = w.Write(r.Body)
	}
}

// securityHeaders are on every Response: never cached (it depends on who
// asks), never sniffed as another content type.
func securityHeaders() http.Header {
	return http.Header{"Cache-Control": {"no-store"}, "X-Content-Type-Options": {"nosniff"}}
}

// NewRedirect returns a redirect (a 3xx status) to location with the
// security headers. For packages that extend core, such as hostedui.
func NewRedirect(status int, location string) Response {
	h := securityHeaders()
	h.Set("Location", location)
	return Response{Status: status, Header: h}
}

// NewPage returns an HTML page with the security headers: no-store,
// nosniff, Referrer-Policy same-origin and a Content-Security-Policy that
// loads nothing, runs no script, is never framed and allows only the
// page's own style elements, by their SHA-256 hashes (style attributes
// are refused). For packages that extend core, such as hostedui, and for
// the pages an app renders itself (WithPages).
func NewPage(status int, html []byte) Response {
	h := securityHeaders()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP(html))
	// same-origin, not no-referrer: under no-referrer a browser sends
	// "Origin: null" with a form's POST, and the sign-out form's same-origin
	// check would refuse the user.
	h.Set("Referrer-Policy", "same-origin")
	return Response{Status: status, Header: h, Body: html}
}

// newJSON returns a JSON answer for API clients.
func newJSON(status int, body []byte) Response {
	h := securityHeaders()
	h.Set("Content-Type", "application/json")
	return Response{Status: status, Header: h, Body: body}
}

// Failure decides how to answer a request refused with err: a browser (an
// HTML Accept) that is not signed in goes to the login source (the hosted
// UI) or the configured redirect URL, or sees a small page (a Page of kind
// PageRefusal: why in plain words, who is signed in when the refusal knows
// the user, and links to sign out and back to the start; WithPages
// replaces it); API
// clients get JSON with 401 (not authenticated), 403 (not allowed), 503
// (a key server or store failing: try again) or 500 (misconfigured), and a
// WWW-Authenticate header on 401. Every 503 carries Retry-After. A request
// refused for its form (a header sent twice or too large) is never sent to
// sign in: signing in again would not change it.
func (a *BaseAuth) Failure(req Request, err error) Response {
	if !malformed(err) {
		if s := a.loginRedirector(); s != nil && req != nil && wantsHTML(req) && StatusOf(err) == http.StatusUnauthorized {
			back := web.SafeReturnPath(returnPath(req))
			if f, ok := s.(FreshLoginRedirector); ok && CodeOf(err) == CodeSignInTooOld {
				return NewRedirect(http.StatusFound, f.FreshLoginURL(back))
			}
			return NewRedirect(http.StatusFound, s.LoginURL(back))
		}
		return decideFailure(req, err, a.pageSetup(a.cfg.redirectURL))
	}
	return decideFailure(req, err, a.pageSetup(""))
}

// Refusal is the answer to a request refused with err where no BaseAuth
// is at hand (lambdaauth's bridges refuse ambiguous events before the app
// runs): JSON for API clients, a small page for browsers (with a link back
// to "/", none to sign out), never a redirect.
func Refusal(req Request, err error) Response {
	return decideFailure(req, err, pageSetup{start: "/"})
}

// pageSetup is what a refusal page needs besides the refusal: where a
// refused browser is redirected instead (COGNITO_AUTH_REDIRECT_URL, may be
// empty), the Sign out link (nil: none), the start of the app, and the
// app's renderer (WithPages, may be nil).
type pageSetup struct {
	redirectURL string
	signOut     func(back string) string
	start       string
	render      func(Page) []byte
}

// pageSetup returns a's: the sign-out is COGNITO_AUTH_SIGN_OUT_URL when
// set, else the first PageLinker source's route (the hosted UI's logout);
// the start is that source's, else COGNITO_AUTH_APP_URL's path, else "/".
func (a *BaseAuth) pageSetup(redirectURL string) pageSetup {
	p := pageSetup{redirectURL: redirectURL, start: a.cfg.startPath, render: a.cfg.pages}
	var linker PageLinker
	for _, s := range a.sources {
		if l, ok := s.(PageLinker); ok {
			linker = l
			break
		}
	}
	if linker != nil {
		p.start = linker.StartURL()
		p.signOut = linker.SignOutURL
	}
	if u := a.cfg.signOutURL; u != "" {
		p.signOut = func(string) string { return u }
	}
	return p
}

// malformed reports a refusal for the request's form, which no sign-in
// changes.
func malformed(err error) bool {
	switch CodeOf(err) {
	case CodeDuplicateHeader, CodeHeaderTooLarge:
		return true
	}
	return false
}

// StatusOf returns the HTTP status an error maps to.
func StatusOf(err error) int {
	switch {
	case errors.Is(err, ErrMissingToken), errors.Is(err, ErrInvalidToken), errors.Is(err, ErrExpiredToken):
		return http.StatusUnauthorized
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// retryAfterSeconds is the Retry-After of a 503: key sources retry within a
// second.
const retryAfterSeconds = "1"

// failureText is a refusal's JSON error and message (the pages say more:
// refusalText).
type failureText struct {
	errorCode, message string
}

func textFor(status int, err error) failureText {
	switch status {
	case http.StatusUnauthorized:
		if errors.Is(err, ErrMissingToken) {
			return failureText{"unauthorized", "You need to sign in to see this page."}
		}
		if CodeOf(err) == CodeSignInTooOld {
			return failureText{"sign_in_required", "This action needs a recent sign-in. Please sign in again."}
		}
		return failureText{"invalid_token", "Your sign-in is invalid or has expired. Please sign in again."}
	case http.StatusForbidden:
		return failureText{"forbidden", "You do not have access to this page."}
	case http.StatusServiceUnavailable:
		return failureText{"unavailable", "Sign-in could not be checked right now. Please try again shortly."}
	}
	return failureText{"server_error", "Authentication is not configured correctly."}
}

// decideFailure is Failure without a login source.
func decideFailure(req Request, err error, ps pageSetup) Response {
	status := StatusOf(err)
	browser := req != nil && wantsHTML(req)
	if browser && ps.redirectURL != "" && (status == http.StatusUnauthorized || status == http.StatusForbidden) {
		return NewRedirect(http.StatusFound, ps.redirectURL)
	}
	txt := textFor(status, err)
	var r Response
	if browser {
		r = NewPage(status, renderWith(ps.render, refusalPage(req, err, status, ps)))
	} else {
		r = newJSON(status, []byte(`{"error":"`+txt.errorCode+`","message":`+strconv.Quote(txt.message)+`,"status":`+strconv.Itoa(status)+"}\n"))
	}
	switch status {
	case http.StatusServiceUnavailable:
		r.Header.Set("Retry-After", retryAfterSeconds)
	case http.StatusUnauthorized:
		v := `Bearer realm="cognito-auth"`
		var e *Error
		switch {
		case errors.As(err, &e) && e.Code == CodeSignInTooOld:
			v = stepUpChallenge(e)
		case !errors.Is(err, ErrMissingToken):
			v += `, error="invalid_token"`
		}
		r.Header.Set("WWW-Authenticate", v)
	}
	return r
}

// refusalPage is the Page a browser refused with err sees.
func refusalPage(req Request, err error, status int, ps pageSetup) Page {
	p := Page{Kind: PageRefusal, Status: status, Code: CodeOf(err)}
	p.Title, p.Message = refusalText(status, err)
	var e *Error
	if errors.As(err, &e) {
		p.SignedInAs = e.who
	}
	if status == http.StatusServiceUnavailable {
		p.Links = append(p.Links, PageLink{ID: LinkRetry, Text: "Try again"})
	}
	if ps.signOut != nil && status != http.StatusInternalServerError && !errors.Is(err, ErrMissingToken) {
		back := "/"
		if req != nil {
			back = web.SafeReturnPath(returnPath(req))
		}
		if status == http.StatusUnauthorized {
			// Behind an ALB a new sign-in starts with a sign-out: the ALB
			// signs the browser in again on its next request.
			p.Links = append(p.Links, PageLink{ID: LinkSignIn, Text: "Sign in again", URL: ps.signOut(back)})
		} else {
			p.Links = append(p.Links, PageLink{ID: LinkSignOut, Text: "Sign out", URL: ps.signOut(back)})
		}
	}
	start := ps.start
	if start == "" {
		start = "/"
	}
	p.Links = append(p.Links, PageLink{ID: LinkStart, Text: "Back to the start", URL: start})
	return p
}
