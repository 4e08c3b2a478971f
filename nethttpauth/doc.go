// Package nethttpauth protects net/http applications (and any router that
// takes func(http.Handler) http.Handler middleware, such as chi) with
// cognito-auth-go.
//
//	auth, err := nethttpauth.New(nethttpauth.WithBypass("/health"))
//	if err != nil { log.Fatal(err) }
//	http.ListenAndServe(":8080", auth.ProtectApp(mux))
//
// Handlers read the user with auth.GetAuthUser(w, r) or nethttpauth.User(r).
// Refused requests never reach the next handler: the response is core's
// failure decision (redirect, 401/403 page, or JSON with WWW-Authenticate).
package nethttpauth
