package core_test

import (
	"fmt"
	"html/template"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// WithPages replaces the page a refused browser sees with the app's own,
// here an html/template that gets the page's words, who is signed in and
// its links (see core.Page). The page keeps core's security headers; its
// style element is allowed by its hash, and scripts are not. Behind an
// ALB, WithSignOutURL names the app's route that runs core.ALBLogout.
func ExampleWithPages() {
	page := template.Must(template.New("refused").Parse(`<!doctype html><title>{{.Title}}</title>` +
		`<style>body{font-family:serif}</style>` +
		`<h1>{{.Title}}</h1><p>{{.Message}}</p>{{with .SignedInAs}}<p>You are {{.}}.</p>{{end}}` +
		`{{range $i, $l := .Links}}{{if $i}} · {{end}}<a href="{{$l.URL}}">{{$l.Text}}</a>{{end}}`))
	render := func(p core.Page) []byte {
		var b strings.Builder
		if err := page.Execute(&b, p); err != nil {
			return nil // core's own page
		}
		return []byte(b.String())
	}

	iss, err := cognitotest.New()
	if err != nil {
		log.Fatal(err)
	}
	defer iss.Close()
	auth, err := core.New(append(iss.Options(), core.WithPages(render), core.WithSignOutURL("/logout"),
		core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()

	r := httptest.NewRequest(http.MethodGet, "/admin", nil)
	r.Header.Set("Accept", "text/html")
	iss.Mint(cognitotest.User{Email: "alice@example.com", Groups: []string{"staff"}}).Apply(r)
	_, refused := auth.Authenticate(r.Context(), core.HTTPRequest(r), core.AllowGroups("admins"))
	f := auth.Failure(core.HTTPRequest(r), refused)
	fmt.Println(f.Status, core.CodeOf(refused))
	fmt.Println(string(f.Body))
	fmt.Println(f.Header.Get("Content-Security-Policy"))
	// Output:
	// 403 route_forbidden
	// <!doctype html><title>Access denied</title><style>body{font-family:serif}</style><h1>Access denied</h1><p>Your account does not have access to this page: it is only for some users or groups.</p><p>You are alice@example.com.</p><a href="/logout">Sign out</a> · <a href="/">Back to the start</a>
	// default-src 'none'; style-src 'sha256-XZwA5rTLuZbqtpwMqQWiphRw8LxzDWaDYaGb8wo+qMk='; base-uri 'none'; frame-ancestors 'none'
}
