package core

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"strings"
)

// Page is one of the small HTML pages the library shows a person instead
// of the app's own: a refused request (BaseAuth.Failure, Refusal), and the
// hosted UI's sign-out confirmation, signed-out notice and sign-in
// problems (package hostedui). Each says what happened in plain words, who
// is signed in when that is known, and what the person can do next (its
// Form and Links). An app replaces the pages with WithPages here and
// hostedui.WithPages there; RenderPage is the library's own rendering.
// A Page never carries token contents.
type Page struct {
	// Kind says which page it is.
	Kind PageKind
	// Status is the HTTP status the page is sent with.
	Status int
	// Code is a refusal's stable code (PageRefusal only). The library's
	// page does not show it (clients see only the category, as in the
	// JSON answers); it is there for an app's page to choose its words.
	Code Code
	// Title is the page's heading; Message says why, in plain words.
	Title, Message string
	// SignedInAs names the signed-in user when the page knows one (a
	// refusal of a verified user, such as a 403; the sign-out
	// confirmation): the email address, else the username. Empty
	// otherwise.
	SignedInAs string
	// Form is a form the page posts (the sign-out confirmation's Sign out
	// button), or nil.
	Form *PageForm
	// Links are what the person can do next, in order of importance; each
	// has one of the Link ids.
	Links []PageLink
}

// PageKind names a kind of Page.
type PageKind string

// The kinds of Page.
const (
	// PageRefusal is a refused request: 401, 403, 503 or 500. Its Links
	// are LinkSignOut (when the app has a sign-out, see WithSignOutURL),
	// LinkRetry (503) and LinkStart.
	PageRefusal PageKind = "refusal"
	// PageSignOut is the hosted UI's sign-out confirmation (GET of the
	// logout route): Form signs out, LinkCancel goes back to where the
	// user was.
	PageSignOut PageKind = "sign_out"
	// PageSignedOut is the hosted UI's notice after a sign-out, shown once
	// where the next sign-in would start: LinkSignIn signs in again.
	PageSignedOut PageKind = "signed_out"
	// PageMessage is any other hosted-UI page: a sign-in that failed or
	// is unavailable (LinkSignIn, LinkRetry), a refused sign-out form, a
	// route asked with the wrong method.
	PageMessage PageKind = "message"
)

// Link ids: a PageLink's ID, and the element id of the link on the
// library's pages.
const (
	LinkSignOut = "signout-link" // sign out (the hosted UI's logout route, or WithSignOutURL)
	LinkStart   = "start"        // back to the start of the app
	LinkCancel  = "cancel"       // leave the sign-out confirmation, back to where the user was
	LinkRetry   = "retry"        // try the same again
	LinkSignIn  = "signin-link"  // sign in (again)
)

// PageLink is a link on a Page.
type PageLink struct {
	// ID is one of the Link ids.
	ID string
	// Text is the link's words ("Sign out", "Back to the start").
	Text string
	// URL is where it goes: a same-origin path, or the URL an app
	// configured (WithSignOutURL). Empty means the page itself (reload).
	URL string
}

// PageForm is a form a Page posts with one button.
type PageForm struct {
	// Action is where the form posts.
	Action string
	// Fields are its hidden fields (the sign-out form's CSRF token).
	Fields map[string]string
	// Button is the button's words; ButtonID its element id ("signout").
	Button, ButtonID string
}

// Link returns the URL of the page's link with that id, and whether it has
// one. For an app's template: {{with .Link "signout-link"}}…{{end}} needs
// the one-value form, LinkURL.
func (p Page) Link(id string) (string, bool) {
	for _, l := range p.Links {
		if l.ID == id {
			return l.URL, true
		}
	}
	return "", false
}

// LinkURL returns the URL of the page's link with that id, or "".
func (p Page) LinkURL(id string) string {
	u, _ := p.Link(id)
	return u
}

// PageLinker is implemented by sources whose routes core's pages link to
// (hostedui.HostedUI): the sign-out route, and where the app starts (its
// external URL's path). A refusal page's Sign out goes to SignOutURL and
// comes back to returnPath when the person cancels.
type PageLinker interface {
	SignOutURL(returnPath string) string
	StartURL() string
}

// RenderPage renders p as the library does: a small page with one
// stylesheet (allowed by its hash in the Content-Security-Policy NewPage
// sets), no script, every value escaped. An app's renderer (WithPages)
// can call it for the pages it does not replace.
func RenderPage(p Page) []byte {
	var b bytes.Buffer
	_ = pageTemplate.Execute(&b, p)
	return b.Bytes()
}

// renderWith renders p with render, or RenderPage when render is nil or
// returns nothing.
func renderWith(render func(Page) []byte, p Page) []byte {
	if render != nil {
		if b := render(p); len(b) > 0 {
			return b
		}
	}
	return RenderPage(p)
}

// pageStyle is the library pages' stylesheet: one style element, allowed
// by its hash.
const pageStyle = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;color:#1f2328;margin:0;padding:4rem 1rem;line-height:1.5}
main{max-width:30rem;margin:0 auto;background:#fff;border:1px solid #d0d7de;border-radius:12px;padding:2rem 2rem 1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.4rem;margin:0 0 .75rem}p{margin:0 0 1rem}
.who{background:#f6f8fa;border:1px solid #e5e7eb;border-radius:8px;padding:.6rem .8rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:1.5rem 0 1rem}.actions form{margin:0}
.button{display:inline-block;font:inherit;font-weight:600;padding:.5rem 1.1rem;border-radius:8px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;text-decoration:none;cursor:pointer}
.button.secondary{background:#fff;color:#1d4ed8}
a:focus-visible,button:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.status{color:#57606a;font-size:.85rem;margin:0}`

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if eq .Kind "refusal"}}{{.Status}} {{end}}{{.Title}}</title>
<style>` + pageStyle + `</style>
</head><body><main>
<h1 id="title">{{.Title}}</h1>
<p id="message"{{if eq .Kind "signed_out"}} role="status"{{end}}>{{.Message}}</p>
{{with .SignedInAs}}<p class="who" id="signed-in-as">Signed in as <strong>{{.}}</strong></p>
{{end}}{{if or .Form .Links}}<div class="actions">{{with .Form}}<form method="post" action="{{.Action}}">{{range $k, $v := .Fields}}<input type="hidden" name="{{$k}}" value="{{$v}}">{{end}}<button class="button" type="submit" id="{{.ButtonID}}">{{.Button}}</button></form>{{end}}
{{range $i, $l := .Links}}<a class="button{{if or $.Form $i}} secondary{{end}}" id="{{$l.ID}}" href="{{$l.URL}}">{{$l.Text}}</a>
{{end}}</div>
{{end}}{{if ge .Status 400}}<p class="status">HTTP {{.Status}}</p>
{{end}}</main></body></html>
`))

// pageCSP is the Content-Security-Policy of a page with body: nothing
// loaded, no script, never framed, and only the page's own style
// elements, each allowed by its SHA-256 hash (no 'unsafe-inline', and no
// style attributes).
func pageCSP(body []byte) string {
	var hashes []string
	rest := body
	for {
		i := bytes.Index(rest, []byte("<style"))
		if i < 0 {
			break
		}
		rest = rest[i+len("<style"):]
		end := bytes.IndexByte(rest, '>')
		if end < 0 {
			break
		}
		if c := rest[0]; c != '>' && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			continue // <styles…>, not a style element
		}
		rest = rest[end+1:]
		stop := bytes.Index(rest, []byte("</style"))
		if stop < 0 {
			break
		}
		sum := sha256.Sum256(rest[:stop])
		hashes = append(hashes, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
		rest = rest[stop:]
	}
	p := "default-src 'none'; "
	if len(hashes) > 0 {
		p += "style-src " + strings.Join(hashes, " ") + "; "
	}
	return p + "base-uri 'none'; frame-ancestors 'none'"
}

// refusalText is what a refusal page says, by the refusal's code family.
// The JSON answers keep textFor's coarse message.
func refusalText(status int, err error) (title, message string) {
	code := CodeOf(err)
	switch status {
	case http.StatusUnauthorized:
		switch {
		case malformed(err):
			return "Request refused", "This request's sign-in details could not be read, so it was refused. Close this tab and open the app again."
		case code == CodeSignInTooOld:
			return "Sign in again", "This page needs a recent sign-in. Please sign in again to continue."
		case code == CodeTokenRevoked:
			return "Your sign-in has ended", "Your sign-in was ended: you signed out elsewhere, or your account was changed. Please sign in again."
		case errors.Is(err, ErrExpiredToken):
			return "Your sign-in has expired", "Your sign-in has expired. Please sign in again."
		case errors.Is(err, ErrMissingToken):
			return "Sign-in required", "You need to sign in to see this page."
		}
		return "Sign-in required", "Your sign-in could not be verified. Please sign in again."
	case http.StatusForbidden:
		switch code {
		case CodeForbidden:
			return "Access denied", "This app's access policy does not let your account in. Ask the app's administrator for access."
		case CodeRouteForbidden:
			return "Access denied", "Your account does not have access to this page: it is only for some users or groups."
		case CodeMachineForbidden:
			return "Access denied", "This page is not open to machine clients."
		case CodeCrossOrigin:
			return "Request refused", "The request came from another site, so it was refused. Open the app directly and try again."
		case CodeEmailUnverified:
			return "Email not verified", "Your email address is not verified yet. Verify it, then sign in again."
		}
		return "Access denied", "You do not have access to this page."
	case http.StatusServiceUnavailable:
		switch code {
		case CodePolicyNotLoaded:
			return "Temporarily unavailable", "Your access could not be checked right now: the app's access rules have not loaded. Please try again shortly."
		case CodeRevalidationUnavailable:
			return "Temporarily unavailable", "Your sign-in could not be checked with the sign-in service right now. Please try again shortly."
		}
		return "Temporarily unavailable", "Sign-in could not be checked right now. Please try again shortly."
	}
	return "Server error", "Sign-in is not configured correctly on this app. Please tell the app's administrator."
}
