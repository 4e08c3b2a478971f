package cognitotest

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// codeTTL is how long an authorization code lives: "The response returns a
// one time use code that is valid for five minutes", per
// https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html.
const codeTTL = 5 * time.Minute

// loginPage is the stand-in's sign-in page: a form a person can trust the
// look of (labels, autocomplete, an alert region for errors) and, since
// this is a test fixture and not Cognito, the demo users and their
// password, each with a one-click sign-in. It runs no script.
var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in</title>
<style>body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#eef2f7;color:#1f2328;margin:0;padding:3rem 1rem;line-height:1.5}
main{max-width:26rem;margin:0 auto}
.card{background:#fff;border:1px solid #d0d7de;border-radius:12px;padding:1.75rem 2rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.brand{font-weight:600;color:#57606a;margin:0 0 1rem;font-size:.9rem;letter-spacing:.02em}
h1{font-size:1.4rem;margin:0 0 1rem}h2{font-size:1rem;margin:0 0 .5rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input{box-sizing:border-box;width:100%;font:inherit;padding:.5rem .6rem;border:1px solid #8c959f;border-radius:6px}
input:focus{outline:3px solid #93c5fd;border-color:#1d4ed8}
button{font:inherit;font-weight:600;padding:.55rem 1.1rem;border-radius:8px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
#signin{width:100%;margin-top:1.25rem}
.error{background:#fff1f0;border:1px solid #f5a3a3;color:#8a1c1c;border-radius:8px;padding:.6rem .8rem;margin:0 0 1rem}.error:empty{display:none}
.demo{margin-top:1.25rem;background:#fffbea;border-color:#e9d48a}.demo p{margin:0 0 .75rem;font-size:.9rem}
.demo ul{list-style:none;margin:0;padding:0}.demo li{display:flex;justify-content:space-between;align-items:center;gap:.75rem;padding:.5rem 0;border-top:1px solid #efe3b5}
.demo li form{margin:0}.demo button{background:#fff;color:#1d4ed8;padding:.35rem .8rem;white-space:nowrap}
.demo small{color:#57606a}code{background:#f3f4f6;padding:0 .25rem;border-radius:4px}</style>
</head><body><main>
<div class="card">
<p class="brand">Local hosted UI (a stand-in for Amazon Cognito)</p>
<h1>Sign in</h1>
<div id="error" class="error" role="alert">{{.Error}}</div>
<form method="post" action="{{.Action}}">
{{range $k, $v := .Params}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}<label for="username">Username or email</label>
<input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="{{.Username}}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button id="signin" type="submit">Sign in</button>
</form>
</div>
{{if .Users}}<section class="card demo" aria-labelledby="demo-users">
<h2 id="demo-users">Demo users</h2>
<p>For development only: every user's password is <code id="demo-password">{{.Password}}</code>.</p>
<ul>{{range .Users}}
<li><span><strong>{{.Username}}</strong><br><small>{{.Email}}{{with .Groups}} · {{range $i, $g := .}}{{if $i}}, {{end}}{{$g}}{{end}}{{end}}</small></span>
<form method="post" action="{{$.Action}}">{{range $k, $v := $.Params}}<input type="hidden" name="{{$k}}" value="{{$v}}">{{end}}<input type="hidden" name="username" value="{{.Username}}"><input type="hidden" name="password" value="{{$.Password}}"><button type="submit" aria-label="Sign in as {{.Username}}">Sign in</button></form></li>{{end}}
</ul>
</section>{{end}}
</main></body></html>
`))

// authRequest is a checked authorize request: where errors and the code go,
// and the scopes granted.
type authRequest struct {
	redirect *url.URL
	state    string
	scope    []string
}

// checkAuthorize checks the parameters of an authorize request (also
// posted back by the login form, and in a logout with redirect_uri). A
// non-empty page is an error to show in the browser, with no redirect; a
// non-empty code is an OAuth error to send to the redirect_uri.
func (h *HostedUI) checkAuthorize(q url.Values) (ar authRequest, page, code string) {
	// https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html:
	// client_id and redirect_uri are required; the redirect_uri "Must have
	// been pre-registered with a client". Only when "client_id and
	// redirect_uri are valid but there are other problems with the request
	// parameters" does the error go to the redirect_uri; RFC 6749 §4.1.2.1:
	// otherwise the server "MUST NOT automatically redirect".
	if q.Get("client_id") != h.iss.ClientID() {
		return ar, "invalid client_id", ""
	}
	to, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || !h.allowed(&h.redirects, q.Get("redirect_uri")) {
		return ar, "redirect_mismatch: redirect_uri is not an allowed callback URL", ""
	}
	ar.redirect, ar.state = to, q.Get("state")
	switch q.Get("response_type") {
	case "code":
	case "token":
		// authorization-endpoint.html: "If the client requests 'code' or
		// 'token' in response_type but does not have permission for these
		// requests", unauthorized_client; this app client has the
		// authorization code grant only.
		return ar, "", "unauthorized_client"
	default:
		// authorization-endpoint.html: "for example, if response_type is not
		// included" (the only other value it allows is token):
		// invalid_request.
		return ar, "", "invalid_request"
	}
	// authorization-endpoint.html: code_challenge_method — "Amazon Cognito
	// authentication server supports only S256" (RFC 7636's plain is
	// refused); code_challenge is "Required only when the
	// code_challenge_method is specified"; and invalid_request "if
	// code_challenge is supplied but code_challenge_method is not supplied;
	// or if code_challenge_method is not 'S256'". A challenge that is no
	// S256 output (43 base64url characters, RFC 7636 §4.2) can never match:
	// refused too (the pages are silent; the strict choice).
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	if challenge != "" || method != "" {
		if b, err := base64.RawURLEncoding.DecodeString(challenge); method != "S256" || err != nil || len(b) != 32 {
			return ar, "", "invalid_request"
		}
	}
	scope, ok := h.grantScope(q.Get("scope"))
	if !ok {
		return ar, "", "invalid_scope"
	}
	ar.scope = scope
	return ar, "", ""
}

// grantScope checks the requested scopes against the app client's.
func (h *HostedUI) grantScope(requested string) ([]string, bool) {
	// authorization-endpoint.html, scope: "If the client doesn't request any
	// scopes, the authentication server uses all scopes associated with the
	// client"; "If the client requests invalid, unknown, malformed scope",
	// invalid_scope (the page also says a scope not associated with the
	// client "will be ignored at runtime": the strict reading refuses it);
	// "The phone, email, and profile scopes can only be requested if openid
	// scope is also requested."
	scope := strings.Fields(requested)
	if len(scope) == 0 {
		return slices.Clone(h.scopes), true
	}
	for _, s := range scope {
		if !slices.Contains(h.scopes, s) {
			return nil, false
		}
	}
	if !slices.Contains(scope, "openid") && slices.ContainsFunc(scope, func(s string) bool { return s == "phone" || s == "email" || s == "profile" }) {
		return nil, false
	}
	var granted []string
	for _, s := range scope {
		if !slices.Contains(granted, s) {
			granted = append(granted, s)
		}
	}
	return granted, true
}

// redirectError sends an OAuth error to the redirect_uri, with the state
// (RFC 6749 §4.1.2.1: state is "REQUIRED if a "state" parameter was
// present in the client authorization request").
func redirectError(w http.ResponseWriter, r *http.Request, ar authRequest, code string) {
	to := *ar.redirect
	q := to.Query()
	q.Set("error", code)
	if ar.state != "" {
		q.Set("state", ar.state)
	}
	to.RawQuery = q.Encode()
	http.Redirect(w, r, to.String(), http.StatusFound)
}

// authorize is GET /oauth2/authorize: it checks the request and shows the
// login form.
func (h *HostedUI) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ar, page, code := h.checkAuthorize(q)
	switch {
	case page != "":
		http.Error(w, page, http.StatusBadRequest)
	case code != "":
		redirectError(w, r, ar, code)
	default:
		h.renderLogin(w, q, "")
	}
}

func (h *HostedUI) renderLogin(w http.ResponseWriter, q url.Values, errMsg string) {
	params := map[string]string{}
	for _, k := range []string{"response_type", "client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method", "nonce"} {
		if q.Has(k) {
			params[k] = q.Get(k)
		}
	}
	// The form posts to this hosted UI's own /login, wherever it is mounted
	// (cognito-local serves it under a path prefix).
	action := "/login"
	if u, err := url.Parse(h.URL()); err == nil {
		action = strings.TrimRight(u.Path, "/") + "/login"
	}
	var b bytes.Buffer
	_ = loginPage.Execute(&b, struct {
		Action, Username, Error, Password string
		Params                            map[string]string
		Users                             []User
	}{action, q.Get("username"), errMsg, h.password, params, h.users})
	// As core's pages: no-store, nosniff, and a policy that allows no
	// script and only the page's own stylesheet.
	page := core.NewPage(http.StatusOK, b.Bytes())
	page.Write(w)
}

// login checks the credentials and redirects back with a single-use code.
func (h *HostedUI) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	f := r.PostForm
	// The form carries the authorize request back: the same checks again,
	// so an edited form gets what /oauth2/authorize would have answered.
	ar, page, code := h.checkAuthorize(f)
	switch {
	case page != "":
		http.Error(w, page, http.StatusBadRequest)
		return
	case code != "":
		redirectError(w, r, ar, code)
		return
	}
	var user *User
	for i := range h.users {
		u := h.users[i]
		if (strings.EqualFold(u.Username, f.Get("username")) || strings.EqualFold(u.Email, f.Get("username"))) &&
			subtle.ConstantTimeCompare([]byte(f.Get("password")), []byte(h.password)) == 1 {
			user = &u
		}
	}
	if user == nil {
		h.renderLogin(w, f, "Incorrect username or password.")
		return
	}
	c := randomToken()
	session := randomToken()
	h.mu.Lock()
	// The sign-in's time: every token of this sign-in, refreshed ones
	// included, carries it as auth_time (the time the user authenticated).
	h.grants.signedIn[session] = h.now()
	h.grants.codes[c] = &codeGrant{
		user: *user, session: session, clientID: f.Get("client_id"), redirectURI: f.Get("redirect_uri"),
		nonce: f.Get("nonce"), challenge: f.Get("code_challenge"), scope: ar.scope, expires: h.now().Add(codeTTL),
	}
	h.mu.Unlock()
	to := *ar.redirect
	q := to.Query()
	q.Set("code", c)
	if ar.state != "" {
		q.Set("state", ar.state)
	}
	to.RawQuery = q.Encode()
	http.Redirect(w, r, to.String(), http.StatusFound)
}

// logout is GET /logout: back to an allowed sign-out URL, or to sign in again.
func (h *HostedUI) logout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html:
	// client_id is required; "Amazon Cognito requires either a logout_uri or
	// a redirect_uri parameter"; "Use logout_uri only with a client_id
	// parameter"; "If the value of logout_uri is one of the Allowed sign-out
	// URLs for your app client, Amazon Cognito redirects users to that URL";
	// a redirect_uri request "must also include parameters for your
	// subsequent request to the Login endpoint, like client_id,
	// response_type, and scope" and goes to sign in again.
	logoutURI, redirectURI := q.Get("logout_uri"), q.Get("redirect_uri")
	switch {
	case q.Get("client_id") != h.iss.ClientID():
		http.Error(w, "invalid client_id", http.StatusBadRequest)
	case logoutURI != "" && redirectURI != "":
		http.Error(w, "logout_uri goes with client_id only, not with redirect_uri", http.StatusBadRequest)
	case logoutURI != "":
		if !h.allowed(&h.logouts, logoutURI) {
			http.Error(w, "logout_uri is not an allowed sign-out URL", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, logoutURI, http.StatusFound) //nolint:gosec // logout_uri was checked against the allow-list
	case redirectURI != "":
		ar, page, code := h.checkAuthorize(q)
		switch {
		case page != "":
			http.Error(w, page, http.StatusBadRequest)
		case code != "":
			redirectError(w, r, ar, code)
		default:
			http.Redirect(w, r, h.baseURL+"/oauth2/authorize?"+q.Encode(), http.StatusFound) //nolint:gosec // G710: to this hosted UI's own authorize endpoint
		}
	default:
		http.Error(w, "a logout needs logout_uri or redirect_uri", http.StatusBadRequest)
	}
}
