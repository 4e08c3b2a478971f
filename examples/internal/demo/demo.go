// Package demo holds what the example apps share: the pages they render and
// how they listen. Each example wires it to its own framework.
package demo

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
	"github.com/cognitoauth/cognito-auth-go/redisstore"
)

// EnvRedisURL optionally names a Redis server (redis://host:port/db, parsed
// by redis.ParseURL) that keeps the hosted-UI sessions, so several app
// instances share them. Unset: sessions live in the cookies.
const EnvRedisURL = "COGNITO_AUTH_REDIS_URL"

// AdminGroup is the group /admin requires.
const AdminGroup = "admins"

// logoutURL is the "Sign out" link: cognito-local's (LOGOUT_URL), or the
// hosted-UI logout route in hosted-UI mode.
func logoutURL() string {
	if u := os.Getenv("LOGOUT_URL"); u != "" {
		return u
	}
	if HostedUIMode() {
		return BasePath() + "/logout/cognito"
	}
	return ""
}

// BasePath is the path of the app's external URL (COGNITO_AUTH_APP_URL),
// such as an API Gateway stage "/Prod"; the pages' links start with it.
func BasePath() string {
	u, err := url.Parse(os.Getenv("COGNITO_AUTH_APP_URL"))
	if err != nil {
		return ""
	}
	return strings.TrimRight(u.Path, "/")
}

// HostedUIMode reports whether the app runs the hosted-UI login itself
// (COGNITO_AUTH_DOMAIN set) instead of sitting behind an ALB.
func HostedUIMode() bool { return os.Getenv("COGNITO_AUTH_DOMAIN") != "" }

// Addr returns the listen address: HOST (default all interfaces) and PORT
// (default 8080).
func Addr() string {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	return net.JoinHostPort(os.Getenv("HOST"), port)
}

// Me is the JSON body of /api/me.
type Me struct {
	Sub           string   `json:"sub"`
	Username      string   `json:"username"`
	Email         string   `json:"email"`
	EmailVerified bool     `json:"email_verified"`
	Groups        []string `json:"groups"`
	IsAdmin       bool     `json:"is_admin"`
	IsAppAdmin    bool     `json:"is_app_admin"`
	ExpiresAt     string   `json:"expires_at"`
}

// NewMe describes u.
func NewMe(u *core.User) Me {
	groups := u.Groups
	if groups == nil {
		groups = []string{}
	}
	return Me{
		Sub: u.Sub, Username: u.Username, Email: u.Email, EmailVerified: u.EmailVerified, Groups: groups,
		IsAdmin: u.IsAdmin(), IsAppAdmin: u.IsAppAdmin(), ExpiresAt: u.ExpiresAt.UTC().Format(time.RFC3339),
	}
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
dt{font-weight:600}dd{margin:0 0 .5rem}code{background:#f3f3f3;padding:0 .2rem}</style></head><body>
<h1>{{.Title}}</h1>
<p>Signed in as <strong id="email">{{.User.Email}}</strong> ({{.Framework}})</p>
<dl><dt>Groups</dt><dd id="groups">{{range $i, $g := .User.Groups}}{{if $i}}, {{end}}{{$g}}{{else}}none{{end}}</dd>
<dt>Subject</dt><dd><code>{{.User.Sub}}</code></dd>
<dt>Session expires</dt><dd>{{.User.ExpiresAt.UTC.Format "2006-01-02 15:04:05 MST"}}</dd></dl>
<p><a href="{{.Base}}/api/me">/api/me</a> · <a href="{{.Base}}/admin">/admin</a> (group <code>admins</code> only){{if .Logout}} · <a id="signout-link" href="{{.Logout}}">Sign out</a>{{end}}</p>
{{if .Live}}<h2>Live</h2>
<p>A WebSocket (<code>/ws</code>) echoing what you send, and server-sent events (<code>/events</code>) ticking
each second. Both end when your sign-in does (the access token's expiry): the socket is closed with code 1008,
the stream sends a last <code>signin-expired</code> event.</p>
<form id="ws-form"><label for="ws-text">Message</label> <input id="ws-text" value="hello"> <button>Send</button></form>
<dl><dt>WebSocket</dt><dd id="ws-state">connecting…</dd><dd id="ws-log"></dd>
<dt>Events</dt><dd id="sse-state">connecting…</dd><dd id="sse-last"></dd></dl>
<script>
(function () {
  var base = {{.Base}};
  var $ = function (id) { return document.getElementById(id); };
  var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + base + "/ws");
  ws.onopen = function () { $("ws-state").textContent = "open"; ws.send("hello"); };
  ws.onmessage = function (e) { $("ws-log").textContent = e.data; };
  ws.onclose = function (e) {
    $("ws-state").textContent = "closed: " + e.code + (e.reason ? " " + e.reason : "") +
      (e.code === 1008 ? " (reload the page to sign in again)" : "");
  };
  $("ws-form").onsubmit = function (e) { e.preventDefault(); if (ws.readyState === 1) ws.send($("ws-text").value); };
  var es = new EventSource(base + "/events");
  es.onopen = function () { $("sse-state").textContent = "open"; };
  es.addEventListener("tick", function (e) { $("sse-last").textContent = e.data; });
  es.addEventListener("signin-expired", function (e) {
    es.close();
    $("sse-state").textContent = "closed: " + e.data + " (reload the page to sign in again)";
  });
})();
</script>{{end}}
</body></html>
`))

func render(title, framework string, u *core.User, withLive bool) []byte {
	var b bytes.Buffer
	_ = page.Execute(&b, struct {
		Title, Framework, Logout, Base string
		User                           *core.User
		Live                           bool
	}{title, framework, logoutURL(), BasePath(), u, withLive})
	return b.Bytes()
}

// HomePage is the protected page showing the user.
func HomePage(framework string, u *core.User) []byte { return render("Hello", framework, u, false) }

// LiveHomePage is HomePage with the live section: a WebSocket to /ws and
// server-sent events from /events (Socket, Events), and what happens when
// the sign-in expires.
func LiveHomePage(framework string, u *core.User) []byte { return render("Hello", framework, u, true) }

// AdminPage is the page only admins see.
func AdminPage(framework string, u *core.User) []byte {
	return render("Admin area", framework, u, false)
}

// Serve runs h on Addr until SIGINT/SIGTERM, then shuts down gracefully.
func Serve(framework string, h http.Handler) error {
	srv := &http.Server{Addr: Addr(), Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Printf("%s example listening on %s", framework, srv.Addr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Sources returns the core options for the example's adapter: in hosted-UI
// mode, a Verifier shared with the hosted-UI login, which is added as a
// credential source (and returned, for its routes to be mounted), with the
// sessions in Redis when COGNITO_AUTH_REDIS_URL is set; behind an ALB, none.
// closeFn closes the shared Verifier (and the Redis client).
func Sources() (opts []core.Option, ui *hostedui.HostedUI, closeFn func(), err error) {
	if !HostedUIMode() {
		return nil, nil, func() {}, nil
	}
	v, err := core.NewVerifier(core.WithOwnEnv(EnvRedisURL)) // the demo's own variable, not the library's
	if err != nil {
		return nil, nil, nil, err
	}
	var uiOpts []hostedui.Option
	closeStore := func() {}
	if raw := strings.TrimSpace(os.Getenv(EnvRedisURL)); raw != "" {
		ro, err := redis.ParseURL(raw)
		if err != nil {
			_ = v.Close()
			return nil, nil, nil, errors.New(EnvRedisURL + ": " + err.Error())
		}
		rdb := redis.NewClient(ro)
		uiOpts = append(uiOpts, hostedui.WithStore(redisstore.New(rdb)))
		closeStore = func() { _ = rdb.Close() }
	}
	ui, err = hostedui.New(v, uiOpts...)
	if err != nil {
		closeStore()
		_ = v.Close()
		return nil, nil, nil, err
	}
	return []core.Option{core.WithVerifier(v), core.WithSources(ui)}, ui, func() { closeStore(); _ = v.Close() }, nil
}
