package core

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strconv"
)

// Failure is core's decision about how to answer a refused request. Adapters
// render it with their framework's own calls: set Header, then either
// redirect to Location with Status, or write Body with Status.
type Failure struct {
	// Status is the HTTP status: 302 for a redirect, else 401, 403, 500 or 503.
	Status int
	// Location is the redirect target; set only when Status is 302.
	Location string
	// Header holds headers to set: Content-Type, Cache-Control and, on 401,
	// WWW-Authenticate.
	Header http.Header
	// Body is the response body (JSON for API clients, a small HTML page for
	// browsers); empty for a redirect. It never contains token contents or
	// internal error text.
	Body []byte
}

// IsRedirect reports whether the failure is a redirect.
func (f *Failure) IsRedirect() bool { return f.Location != "" }

// Write renders the failure on a net/http ResponseWriter.
func (f *Failure) Write(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range f.Header {
		h[k] = append([]string(nil), v...)
	}
	w.WriteHeader(f.Status)
	if len(f.Body) > 0 {
		_, _ = w.Write(f.Body)
	}
}

// Failure decides the response for a request refused with err: browsers (an
// HTML Accept) are redirected to the configured redirect URL or shown a small
// 401/403 page; API clients get JSON with 401 (not authenticated), 403 (not
// allowed), 503 (key server down) or 500 (misconfigured), and a
// WWW-Authenticate header on 401.
func (a *BaseAuth) Failure(req Request, err error) Failure {
	if s := a.loginRedirector(); s != nil && req != nil && WantsHTML(req) && StatusOf(err) == http.StatusUnauthorized {
		// With a login source (the hosted UI), a browser that is not signed
		// in goes to log in.
		loc := s.LoginURL(SafeReturnPath(returnPath(req)))
		h := http.Header{"Cache-Control": {"no-store"}, "Location": {loc}}
		return Failure{Status: http.StatusFound, Location: loc, Header: h}
	}
	return DecideFailure(req, err, a.cfg.redirectURL)
}

// SafeReturnPath returns p if it is a same-origin path ("/…", not "//…",
// no backslash, control characters or scheme), else "/". Use it for every
// post-login return address.
func SafeReturnPath(p string) string {
	if p == "" || p[0] != '/' || len(p) > 2048 {
		return "/"
	}
	if len(p) > 1 && (p[1] == '/' || p[1] == '\\') {
		return "/"
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	return p
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

// retryAfterSeconds is the Retry-After of a 503.
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
		return failureText{"invalid_token", "Sign-in required", "Your sign-in is invalid or has expired. Please sign in again."}
	case http.StatusForbidden:
		return failureText{"forbidden", "Access denied", "You do not have access to this page."}
	case http.StatusServiceUnavailable:
		return failureText{"unavailable", "Temporarily unavailable", "Sign-in could not be checked right now. Please try again shortly."}
	}
	return failureText{"server_error", "Server error", "Authentication is not configured correctly."}
}

// DecideFailure is Failure without a BaseAuth: redirectURL may be empty.
func DecideFailure(req Request, err error, redirectURL string) Failure {
	status := StatusOf(err)
	txt := textFor(status, err)
	h := http.Header{}
	h.Set("Cache-Control", "no-store")
	browser := req != nil && WantsHTML(req)
	if browser && redirectURL != "" && (status == http.StatusUnauthorized || status == http.StatusForbidden) {
		h.Set("Location", redirectURL)
		return Failure{Status: http.StatusFound, Location: redirectURL, Header: h}
	}
	if status == http.StatusServiceUnavailable {
		// A key server or the session store is failing: the answer is "try
		// again", and key sources retry within a second.
		h.Set("Retry-After", retryAfterSeconds)
	}
	if status == http.StatusUnauthorized {
		v := `Bearer realm="cognito-auth"`
		if !errors.Is(err, ErrMissingToken) {
			v += `, error="invalid_token"`
		}
		h.Set("WWW-Authenticate", v)
	}
	if browser {
		h.Set("Content-Type", "text/html; charset=utf-8")
		var b bytes.Buffer
		_ = failurePage.Execute(&b, struct {
			Status         int
			Title, Message string
		}{status, txt.title, txt.message})
		return Failure{Status: status, Header: h, Body: b.Bytes()}
	}
	h.Set("Content-Type", "application/json")
	body := `{"error":"` + txt.errorCode + `","message":` + strconv.Quote(txt.message) + `,"status":` + strconv.Itoa(status) + "}\n"
	return Failure{Status: status, Header: h, Body: []byte(body)}
}

var failurePage = template.Must(template.New("failure").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Status}} {{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.5rem}</style>
</head><body><h1>{{.Title}}</h1><p>{{.Message}}</p>{{if eq .Status 503}}<p><a id="retry" href="">Try again</a></p>{{end}}<p><small>HTTP {{.Status}}</small></p></body></html>
`))
