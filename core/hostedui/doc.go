// Package hostedui runs the OAuth2 authorization-code login against the
// Cognito hosted UI itself — for apps without an ALB (local work against a
// real pool, API Gateway or Lambda URLs, any host) — and keeps a session.
//
// The flow: a browser without a session is sent to the login route, which
// redirects to the hosted UI with state, PKCE (S256) and a nonce; the
// callback checks state, exchanges the code (golang.org/x/oauth2), verifies
// the ID token (RS256, issuer, aud = client id, token_use id, nonce, exp) and
// the access token with core's verifiers, stores the session and returns to
// the page first asked for (same-origin paths only). Sessions are sealed
// cookies (AES-256-GCM, several keys for rotation, split above 4 KB,
// __Host- over HTTPS, absolute and idle expiry); expired access tokens are
// refreshed with the refresh token, once per session at a time. Logout is
// CSRF-safe: it revokes the refresh token and ends the Cognito session.
//
//	ui, err := hostedui.New(auth) // reads COGNITO_AUTH_DOMAIN, …
//	mux.Handle("/", auth.ProtectApp(app))      // core now also accepts sessions
//	ui.Mount(mux)                              // login, callback and logout routes
package hostedui
