package hostedui

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// redirect sends the browser on (303: the next request is a GET).
func redirect(loc string) core.Response { return core.NewRedirect(http.StatusSeeOther, loc) }

// page is a small HTML page: a title, a message and extra HTML built from
// escaped values only.
func page(status int, title, msg, extra string) core.Response {
	var b strings.Builder
	_ = pageTmpl.Execute(&b, struct {
		Title, Message string
		Extra          template.HTML
	}{title, msg, template.HTML(extra)}) //nolint:gosec // extra is built from escaped values only
	return core.NewPage(status, []byte(b.String()))
}

var pageTmpl = template.Must(template.New("p").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}</style></head>
<body><h1>{{.Title}}</h1><p>{{.Message}}</p>{{.Extra}}</body></html>`))
