package core

import (
	"bytes"
	"errors"
	"html/template"
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

// pagePolicy is the Content-Security-Policy of core's pages: inline styles,
// nothing else loaded, never framed.
const pagePolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'"

// NewRedirect returns a redirect (a 3xx status) to location with the
// security headers. For packages that extend core, such as hostedui.
func NewRedirect(status int, location string) Response {
	h := securityHeaders()
	h.Set("Location", location)
	return Response{Status: status, Header: h}
}

// NewPage returns an HTML page with the security headers. For packages that
// extend core, such as hostedui.
func NewPage(status int, html []byte) Response {
	h := securityHeaders()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pagePolicy)
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
// UI) or the configured redirect URL, or sees a small 401/403 page; API
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
		return decideFailure(req, err, a.cfg.redirectURL)
	}
	return decideFailure(req, err, "")
}

// Refusal is the answer to a request refused with err where no BaseAuth
// is at hand (lambdaauth's bridges refuse ambiguous events before the app
// runs): JSON for API clients, a small page for browsers, never a redirect.
func Refusal(req Request, err error) Response { return decideFailure(req, err, "") }

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

type failureText struct {
	errorCode, title, message string
}

func textFor(status int, err error) failureText {
	switch status {
	case http.StatusUnauthorized:
		if errors.Is(err, ErrMissingToken) {
			return failureText{"unauthorized", "Sign-in required", "You need to sign in to see this page."}
		}
		if CodeOf(err) == CodeSignInTooOld {
			return failureText{"sign_in_required", "Sign in again", "This action needs a recent sign-in. Please sign in again."}
		}
		return failureText{"invalid_token", "Sign-in required", "Your sign-in is invalid or has expired. Please sign in again."}
	case http.StatusForbidden:
		return failureText{"forbidden", "Access denied", "You do not have access to this page."}
	case http.StatusServiceUnavailable:
		return failureText{"unavailable", "Temporarily unavailable", "Sign-in could not be checked right now. Please try again shortly."}
	}
	return failureText{"server_error", "Server error", "Authentication is not configured correctly."}
}

// decideFailure is Failure without a login source; redirectURL may be empty.
func decideFailure(req Request, err error, redirectURL string) Response {
	status := StatusOf(err)
	browser := req != nil && wantsHTML(req)
	if browser && redirectURL != "" && (status == http.StatusUnauthorized || status == http.StatusForbidden) {
		return NewRedirect(http.StatusFound, redirectURL)
	}
	txt := textFor(status, err)
	var r Response
	if browser {
		var b bytes.Buffer
		_ = failurePage.Execute(&b, struct {
			Status         int
			Title, Message string
		}{status, txt.title, txt.message})
		r = NewPage(status, b.Bytes())
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

var failurePage = template.Must(template.New("failure").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Status}} {{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.5rem}</style>
</head><body><h1>{{.Title}}</h1><p>{{.Message}}</p>{{if eq .Status 503}}<p><a id="retry" href="">Try again</a></p>{{end}}<p><small>HTTP {{.Status}}</small></p></body></html>
`))
