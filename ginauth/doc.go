// Package ginauth protects gin applications with cognito-auth-go.
//
//	auth, err := ginauth.New(ginauth.WithBypass("/health"))
//	if err != nil { log.Fatal(err) }
//	r := gin.New()
//	r.Use(auth.ProtectApp())
//	r.GET("/admin", auth.RequireAuth(core.AllowGroups("admins")), adminHandler)
//
// Handlers read the user with auth.GetAuthUser(c) or ginauth.User(c). The
// user is stored in gin's context (c.Get, under an unexported key) and in the
// request's context (core.UserFromContext). Refused requests are aborted
// (c.Abort) after the failure is rendered with gin's own calls.
package ginauth
