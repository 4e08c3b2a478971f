// Package conformance is the shared behaviour suite every framework adapter
// passes: one table of scenarios, run over real HTTP against an app that a
// small per-framework Driver builds with the adapter. A behaviour exists in
// every adapter or in none.
//
// A driver serves these routes, protected app-wide by the adapter with
// App.Bypass as bypass paths:
//
//	GET  /               200 "hello " + user email          (GetAuthUser)
//	GET  /api/me         200 JSON NewMe(handler context, GetAuthUser)
//	GET  /admin          200 "admin " + email, per-route rules App.AdminRules (the admins group and a sign-in within the hour)
//	GET  /health         200 "ok"                            (bypassed; also registered as /health/)
//	GET  /public/whoami  bypassed; GetAuthUser on demand: 200 "user:"+email or "anonymous:"+code
//
// Every handler first calls App.Called with its route. When
// App.CustomErrorHandler is set, the driver installs the adapter's
// error-handler option answering 418 with body "custom:" + core.CodeOf(err).
// When App.Planted is set, the driver installs, outside (before) the
// adapter, a middleware that puts that user into the request context with
// cognitotest.ContextWithUser, as a test helper might: the
// adapter must not trust it.
//
// Servers must accept real ALB browser requests: about 30 KB of headers
// (fiber: a ReadBufferSize of 64 KiB).
package conformance

import (
	"context"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// Routes every driver serves.
const (
	PathHome   = "/"
	PathMe     = "/api/me"
	PathAdmin  = "/admin"
	PathHealth = "/health"
	PathWhoami = "/public/whoami"
)

// CustomStatus is what the custom error handler answers with.
const CustomStatus = 418

// App is what the suite asks a driver to build.
type App struct {
	// Auth is the BaseAuth the adapter must use.
	Auth *core.BaseAuth
	// Bypass are the paths the app-wide protection must skip.
	Bypass []string
	// AdminRules are /admin's per-route rules.
	AdminRules []core.Rule
	// CustomErrorHandler asks for the adapter's error-handler option.
	CustomErrorHandler bool
	// Called must be called by every handler with its route path.
	Called func(route string)
	// Planted, when not nil, is put into every request's context by an
	// outer middleware (cognitotest.ContextWithUser) before the adapter runs.
	Planted *core.User
}

// Me is the JSON body of /api/me.
type Me struct {
	Email        string   `json:"email"`
	Groups       []string `json:"groups"`
	AppAdmin     bool     `json:"app_admin"`
	ContextEmail string   `json:"context_email"`
	// ContextEnds is the handler context's deadline (Unix seconds; 0 for
	// none): the adapters bound it by the credential's end.
	ContextEnds int64 `json:"context_ends"`
}

// NewMe builds the /api/me body from the user GetAuthUser returned and the
// handler's context (the framework's request context, where the adapter
// stored the user and bounded the deadline).
func NewMe(ctx context.Context, u *core.User) Me {
	m := Me{Email: u.Email, Groups: u.Groups, AppAdmin: u.IsAppAdmin()}
	if fromContext, ok := core.UserFromContext(ctx); ok {
		m.ContextEmail = fromContext.Email
	}
	if d, ok := ctx.Deadline(); ok {
		m.ContextEnds = d.Unix()
	}
	if m.Groups == nil {
		m.Groups = []string{}
	}
	return m
}

// Whoami is the body /public/whoami answers for GetAuthUser's result.
func Whoami(u *core.User, err error) string {
	if err != nil {
		return "anonymous:" + string(core.CodeOf(err))
	}
	return "user:" + u.Email
}

// CustomBody is the body the custom error handler answers with.
func CustomBody(err error) string { return "custom:" + string(core.CodeOf(err)) }
