package hostedui

import (
	"context"
	"net/http"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// Route is one of the hosted UI's routes, for an adapter to register with
// its framework: Serve answers Method and Path (as the app sees it, without
// the mount prefix), and the adapter renders the core.Response as it
// renders every other.
type Route struct {
	Method, Path string
	Serve        func(ctx context.Context, x Exchange) core.Response
}

// Routes returns the routes to mount, the one table every adapter mounts
// from: the login and callback (GET) and the logout (GET shows a
// confirmation form, POST signs out).
func (h *HostedUI) Routes() []Route { return append([]Route(nil), h.routes...) }

// Serve answers x when its path is one of the routes (as the app sees it:
// see OwnsPath); ok is false for any other path. A route's path asked with
// another method is answered 405. For adapters without a router of their
// own, such as lambdaauth.
func (h *HostedUI) Serve(ctx context.Context, x Exchange) (resp core.Response, ok bool) {
	found := false
	for _, r := range h.routes {
		if r.Path != x.Path() {
			continue
		}
		found = true
		if r.Method == x.Method() {
			return r.Serve(ctx, x), true
		}
	}
	if !found {
		return core.Response{}, false
	}
	resp = h.message(http.StatusMethodNotAllowed, "Method not allowed", "This address takes a GET (or a POST from the sign-out form).",
		h.startLink())
	resp.Header.Set("Allow", h.allowed(x.Path()))
	return resp, true
}

// allowed lists the methods of path, for an Allow header.
func (h *HostedUI) allowed(path string) string {
	var out string
	for _, r := range h.routes {
		if r.Path == path {
			if out != "" {
				out += ", "
			}
			out += r.Method
		}
	}
	return out
}

// Handler serves the routes for net/http (and routers built on it). Mount
// it on each route's path, or use Mount.
func (h *HostedUI) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, ok := h.Serve(r.Context(), HTTPExchange(w, r))
		if !ok {
			http.NotFound(w, r)
			return
		}
		resp.Write(w)
	})
}

// Mount registers the routes on a ServeMux.
func (h *HostedUI) Mount(mux *http.ServeMux) {
	for _, r := range h.routes {
		mux.Handle(r.Method+" "+r.Path, h.Handler())
	}
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
