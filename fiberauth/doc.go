// Package fiberauth protects fiber (v2) applications with cognito-auth-go.
//
//	auth, err := fiberauth.New(fiberauth.WithBypass("/health"))
//	if err != nil { log.Fatal(err) }
//	app := fiber.New()
//	app.Use(auth.ProtectApp())
//	app.Get("/admin", auth.RequireAuth(core.AllowGroups("admins")), adminHandler)
//
// Handlers read the user with auth.GetAuthUser(c) or fiberauth.User(c). The
// user is stored in c.Locals (under an unexported key) and in the user
// context (c.UserContext(), core.UserFromContext). Every header, cookie and
// path value taken from the request is copied out of fasthttp's reused
// buffers before core sees it, so nothing a handler keeps changes under it.
//
// By default a refusal is rendered at once (core's decision) and the
// middleware returns nil. WithFiberErrors makes it return an error for the
// app's ErrorHandler instead; auth.ErrorHandler renders those with core's
// decision and passes other errors on.
package fiberauth
