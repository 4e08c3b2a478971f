package adapterkit

import (
	"context"
	"net/http"

	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// Route is one hosted-UI route for an adapter to register with its
// framework: Serve answers it, and the adapter renders the Response with
// one render function of its own.
type Route struct {
	Method, Path string
	Serve        func(ctx context.Context, x hostedui.Exchange) hostedui.Response
}

// HostedUIRoutes lists the routes of ui: the login and callback (GET) and
// the logout (GET shows a form, POST signs out).
func HostedUIRoutes(ui *hostedui.HostedUI) []Route {
	login, callback, logout := ui.Paths()
	return []Route{
		{http.MethodGet, login, ui.Login},
		{http.MethodGet, callback, ui.Callback},
		{http.MethodGet, logout, ui.Logout},
		{http.MethodPost, logout, ui.Logout},
	}
}
