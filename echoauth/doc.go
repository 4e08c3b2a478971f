// Package echoauth protects echo (v4) applications with cognito-auth-go.
//
//	auth, err := echoauth.New(echoauth.WithBypass("/health"))
//	if err != nil { log.Fatal(err) }
//	e := echo.New()
//	e.Use(auth.ProtectApp())
//	e.GET("/admin", adminHandler, auth.RequireAuth(core.AllowGroups("admins")))
//
// Handlers read the user with auth.GetAuthUser(c) or echoauth.User(c). The
// user is stored in echo's context (c.Get) and in the request's context
// (core.UserFromContext).
//
// By default a refusal is rendered at once (core's decision: redirect,
// 401/403 page, or JSON with WWW-Authenticate) and the middleware returns
// nil. Apps with a central HTTPErrorHandler can instead have the middleware
// return an *echo.HTTPError (WithHTTPErrors) and render it with
// auth.HTTPErrorHandler, which keeps core's decision for auth errors and
// passes every other error to the app's handler.
package echoauth
