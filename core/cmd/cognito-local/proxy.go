package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
	"github.com/cognitoauth/cognito-auth-go/core/internal/web"
)

// Paths cognito-local keeps for itself.
const (
	prefix      = "/.cognito-local"
	loginPath   = prefix + "/login"
	logoutPath  = prefix + "/logout"
	keysPrefix  = prefix + "/keys"
	healthPath  = prefix + "/healthz"
	cookieName  = "cognito-local-session"
	userHeader  = "X-Cognito-Local-User" // pick a user without a browser: curl -H 'X-Cognito-Local-User: alice@example.com'
	amznHeaders = "X-Amzn-Oidc-"
)

// proxy plays the ALB: a login page, a session cookie, and every forwarded
// request signed with fresh ALB headers for the session's user.
type proxy struct {
	iss      *ct.Issuer
	users    []ct.User
	upstream *httputil.ReverseProxy
	cfg      proxyConfig

	mu       sync.Mutex
	sessions map[string]int       // session id -> user index
	minted   map[int]mintedTokens // user index -> current header set
}

type mintedTokens struct {
	h                  ct.Headers
	accessExp, dataExp time.Time
}

// proxyConfig is how the proxy mints, as the ALB would.
type proxyConfig struct {
	ttl     time.Duration // the access token's lifetime (the Cognito app client's)
	dataTTL time.Duration // x-amzn-oidc-data's lifetime: the ALB's is about 120 s
	resign  bool          // a new data token on every request (-resign-every-request)
	updated bool          // UPDATED-format issuers (-issuer-format updated)
	public  publicPaths
	pools   []string  // pools[i]: user i's pool, "" for the default
	capture *captures // -capture: every forwarded request written to a directory
}

// dataTokenRenew is how long before expiry a data token is re-minted.
const dataTokenRenew = 10 * time.Second

func newProxy(iss *ct.Issuer, users []ct.User, upstream *url.URL, cfg proxyConfig) *proxy {
	if cfg.dataTTL <= 0 {
		cfg.dataTTL = 120 * time.Second
	}
	p := &proxy{iss: iss, users: users, cfg: cfg, sessions: map[string]int{}, minted: map[int]mintedTokens{}}
	rp := httputil.NewSingleHostReverseProxy(upstream)
	rp.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, err error) {
		http.Error(w, "cognito-local: the app at "+upstream.String()+" is not answering: "+err.Error(), http.StatusBadGateway)
	}
	if cfg.capture != nil {
		rp.Transport = captureTransport{next: http.DefaultTransport, c: cfg.capture}
	}
	p.upstream = rp
	return p
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == healthPath:
		_, _ = w.Write([]byte("ok"))
	case r.URL.Path == loginPath && r.Method == http.MethodPost:
		p.login(w, r)
	case r.URL.Path == loginPath:
		p.loginPage(w, r)
	case r.URL.Path == logoutPath:
		p.logout(w, r)
	case strings.HasPrefix(r.URL.Path, keysPrefix+"/"):
		http.StripPrefix(keysPrefix, p.iss.KeysHandler()).ServeHTTP(w, r)
	default:
		p.forward(w, r)
	}
}

// forward strips any client-sent ALB headers (as the ALB does), adds freshly
// signed ones for the session's user, and proxies to the app.
func (p *proxy) forward(w http.ResponseWriter, r *http.Request) {
	for k := range r.Header {
		if strings.HasPrefix(http.CanonicalHeaderKey(k), amznHeaders) {
			r.Header.Del(k)
		}
	}
	if p.cfg.public.match(r.URL.Path) {
		// Like an ALB listener rule without an authenticate action: no
		// login, no ALB headers.
		r.Header.Del(userHeader)
		p.upstream.ServeHTTP(w, r)
		return
	}
	if email := r.Header.Get(userHeader); email != "" && !p.known(email) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		msg, _ := json.Marshal(map[string]string{
			"error":   "unauthorized",
			"message": "cognito-local: no mock user " + email + " (" + userHeader + "); known users: " + p.emails(),
		})
		_, _ = w.Write(append(msg, '\n'))
		return
	}
	idx, ok := p.userFor(r)
	r.Header.Del(userHeader)
	if !ok {
		if web.WantsHTML(r.Header.Values("Accept")) {
			http.Redirect(w, r, loginPath+"?rd="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"unauthorized","message":"cognito-local: sign in at ` + loginPath + ` or send ` + userHeader + `"}` + "\n"))
		return
	}
	for k, v := range p.headersFor(idx).Header() {
		r.Header[k] = v
	}
	p.upstream.ServeHTTP(w, r)
}

// known reports whether email names one of the mock users.
func (p *proxy) known(email string) bool {
	for _, u := range p.users {
		if strings.EqualFold(u.Email, email) {
			return true
		}
	}
	return false
}

// emails lists the mock users' emails.
func (p *proxy) emails() string {
	out := make([]string, len(p.users))
	for i, u := range p.users {
		out[i] = u.Email
	}
	return strings.Join(out, ", ")
}

func (p *proxy) userFor(r *http.Request) (int, bool) {
	if email := r.Header.Get(userHeader); email != "" {
		for i, u := range p.users {
			if strings.EqualFold(u.Email, email) {
				return i, true
			}
		}
		return 0, false
	}
	c, err := r.Cookie(cookieName)
	if err != nil {
		return 0, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	idx, ok := p.sessions[c.Value]
	return idx, ok
}

// headersFor returns the user's header set as the ALB sends it: the access
// token is the same string for its lifetime (re-minted when a quarter of it
// is left, as a refresh would), and the data token expires dataTTL after it
// is minted and is re-minted before that, or on every request with resign.
func (p *proxy) headersFor(idx int) ct.Headers {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	m, ok := p.minted[idx]
	iss := ct.WithIssuer(p.issuerFor(idx))
	switch {
	case !ok || m.accessExp.Sub(now) < p.cfg.ttl/4:
		h := p.iss.Mint(p.users[idx], iss, ct.ExpiresIn(p.cfg.ttl), ct.DataExpiresIn(p.cfg.dataTTL))
		m = mintedTokens{h: h, accessExp: now.Add(p.cfg.ttl), dataExp: now.Add(p.cfg.dataTTL)}
	case p.cfg.resign || m.dataExp.Sub(now) < dataTokenRenew:
		h := p.iss.Mint(p.users[idx], iss, ct.WithRawAccessToken(m.h.AccessToken), ct.DataExpiresIn(p.cfg.dataTTL))
		m.h.Data, m.dataExp = h.Data, now.Add(p.cfg.dataTTL)
	}
	p.minted[idx] = m
	return m.h
}

// issuerFor is the issuer of user idx's pool in the configured format.
func (p *proxy) issuerFor(idx int) string {
	pool := p.iss.UserPoolID()
	if idx < len(p.cfg.pools) && p.cfg.pools[idx] != "" {
		pool = p.cfg.pools[idx]
	}
	if p.cfg.updated {
		return awsurl.UpdatedIssuer(pool)
	}
	region, _, _ := strings.Cut(pool, "_")
	return awsurl.OriginalIssuer(region, pool)
}

// poolIDs lists the default pool and every pool a user names, once each.
func (p *proxy) poolIDs() []string {
	out := []string{p.iss.UserPoolID()}
	for _, pool := range p.cfg.pools {
		if pool != "" && !slices.Contains(out, pool) {
			out = append(out, pool)
		}
	}
	return out
}

func (p *proxy) login(w http.ResponseWriter, r *http.Request) {
	idx, err := strconv.Atoi(r.PostFormValue("user"))
	if err != nil || idx < 0 || idx >= len(p.users) {
		http.Error(w, "unknown user", http.StatusBadRequest)
		return
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	p.mu.Lock()
	p.sessions[id] = idx
	p.mu.Unlock()
	// Secure only over TLS: cognito-local normally serves plain HTTP on loopback.
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id, Path: "/", HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode}) //nolint:gosec // see above
	http.Redirect(w, r, safeReturn(r.PostFormValue("rd")), http.StatusSeeOther)
}

func (p *proxy) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(cookieName); err == nil {
		p.mu.Lock()
		delete(p.sessions, c.Value)
		p.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode}) //nolint:gosec // plain HTTP on loopback
	http.Redirect(w, r, loginPath+"?signed_out=1", http.StatusSeeOther)
}

// safeReturn accepts only same-origin relative paths.
func safeReturn(rd string) string {
	if rd == "" || !strings.HasPrefix(rd, "/") || strings.HasPrefix(rd, "//") || strings.ContainsAny(rd, "\\\r\n") ||
		strings.HasPrefix(rd, prefix) {
		return "/"
	}
	return rd
}

// loginTmpl is the ALB stand-in's sign-in page: one button per mock
// user, who they are and their groups, and, after a sign-out, a notice
// that says so. It runs no script.
var loginTmpl = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cognito-local: sign in</title>
<style>body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#eef2f7;color:#1f2328;margin:0;padding:3rem 1rem;line-height:1.5}
main{max-width:32rem;margin:0 auto;background:#fff;border:1px solid #d0d7de;border-radius:12px;padding:1.75rem 2rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.brand{font-weight:600;color:#57606a;margin:0 0 1rem;font-size:.9rem;letter-spacing:.02em}
h1{font-size:1.4rem;margin:0 0 .5rem}p{margin:0 0 1rem}small{color:#57606a}
.notice{background:#ecfdf3;border:1px solid #9bd8b4;color:#14532d;border-radius:8px;padding:.6rem .8rem}
ul{list-style:none;margin:0;padding:0}
.user{display:flex;justify-content:space-between;align-items:center;gap:1rem;border:1px solid #d0d7de;border-radius:8px;padding:.75rem 1rem;margin:.5rem 0}
button{font:inherit;font-weight:600;padding:.45rem 1.1rem;border-radius:8px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}</style>
</head><body><main>
<p class="brand">cognito-local (a stand-in for the AWS load balancer)</p>
<h1>Sign in</h1>
{{if .SignedOut}}<p class="notice" id="signed-out" role="status">You have been signed out.</p>
{{end}}<p><small>Pick a user: every request then reaches the app with ALB headers signed for them, as an ALB with Cognito authentication sends.</small></p>
<ul aria-label="Mock users">{{range $i, $u := .Users}}
<li><form class="user" method="post" action="{{$.Login}}">
  <div><strong>{{$u.Email}}</strong>{{if $u.Name}} ({{$u.Name}}){{end}}<br><small>groups: {{range $j, $g := $u.Groups}}{{if $j}}, {{end}}{{$g}}{{else}}none{{end}}</small></div>
  <input type="hidden" name="user" value="{{$i}}"><input type="hidden" name="rd" value="{{$.Return}}">
  <button type="submit" aria-label="Sign in as {{$u.Email}}">Sign in</button>
</form></li>{{end}}
</ul>
</main></body></html>
`))

func (p *proxy) loginPage(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	_ = loginTmpl.Execute(&b, struct {
		Users         []ct.User
		Login, Return string
		SignedOut     bool
	}{p.users, loginPath, safeReturn(r.URL.Query().Get("rd")), r.URL.Query().Get("signed_out") == "1"})
	// core's page headers: no-store, nosniff, no script, this stylesheet only.
	page := core.NewPage(http.StatusOK, b.Bytes())
	page.Write(w)
}

// env returns the environment that makes an app trust this proxy.
func (p *proxy) env(port string) map[string]string {
	env := p.iss.Env()
	env[core.EnvUserPoolID] = strings.Join(p.poolIDs(), ",")
	env["PORT"] = port
	env["HOST"] = "127.0.0.1"
	env["LOGOUT_URL"] = logoutPath
	// The refusal pages' Sign out (core) signs out of this stand-in, as an
	// app's ALBLogout route would of the ALB.
	env[core.EnvSignOutURL] = logoutPath
	return env
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// publicPaths are paths forwarded without a login, like ALB listener rules
// that leave some paths unauthenticated: exact paths, or prefixes written
// with a trailing "/*" ("/static/*" matches "/static/app.css").
type publicPaths []string

// parsePublic reads the -public flag: comma-separated absolute paths.
func parsePublic(s string) (publicPaths, error) {
	var out publicPaths
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.HasPrefix(p, "/") || strings.Contains(strings.TrimSuffix(p, "/*"), "*") {
			return nil, fmt.Errorf("%q is not an absolute path or a prefix ending in /* (e.g. /health,/static/*)", p)
		}
		out = append(out, p)
	}
	return out, nil
}

func (pp publicPaths) match(path string) bool {
	for _, p := range pp {
		if prefix, ok := strings.CutSuffix(p, "*"); ok {
			if strings.HasPrefix(path, prefix) {
				return true
			}
		} else if path == p {
			return true
		}
	}
	return false
}
