package hostedui

import (
	"context"
	"net/http"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// Handler serves the login, callback and logout routes for net/http (and
// routers built on it). Mount it on each of Paths(), or use Mount.
func (h *HostedUI) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, ok := h.Serve(r.Context(), HTTPExchange(w, r))
		if !ok {
			http.NotFound(w, r)
			return
		}
		WriteResponse(w, resp)
	})
}

// Serve answers x when its path is the login, callback or logout route (as
// the app sees it, without the mount prefix: see OwnsPath); ok is false for
// any other path. For adapters without a router of their own, such as
// lambdaauth.
func (h *HostedUI) Serve(ctx context.Context, x Exchange) (resp Response, ok bool) {
	serve := h.route(x.Path())
	if serve == nil {
		return Response{}, false
	}
	return serve(ctx, x), true
}

// Mount registers the three routes on a ServeMux.
func (h *HostedUI) Mount(mux *http.ServeMux) {
	for _, p := range []string{h.cfg.loginPath, h.cfg.callbackPath, h.cfg.logoutPath} {
		mux.Handle(p, h.Handler())
	}
}

// WriteResponse renders a Response on a net/http ResponseWriter.
func WriteResponse(w http.ResponseWriter, r Response) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Location != "" {
		w.Header().Set("Location", r.Location)
	}
	if r.ContentType != "" {
		w.Header().Set("Content-Type", r.ContentType)
	}
	w.WriteHeader(r.Status)
	_, _ = w.Write(r.Body)
}

// HTTPExchange adapts a net/http request and response to Exchange.
func HTTPExchange(w http.ResponseWriter, r *http.Request) Exchange {
	return httpExchange{Request: core.HTTPExchange(w, r), r: r}
}

type httpExchange struct {
	core.Request
	r *http.Request
}

func (x httpExchange) SetCookie(c *http.Cookie) { x.Request.(core.CookieWriter).SetCookie(c) }
func (x httpExchange) Method() string           { return x.r.Method }
func (x httpExchange) Query(name string) string { return x.r.URL.Query().Get(name) }
func (x httpExchange) FormValue(name string) string {
	if x.r.Method != http.MethodPost {
		return ""
	}
	return x.r.PostFormValue(name)
}
