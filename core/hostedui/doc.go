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
// The HostedUI is a core.Source: the guard tries it after ALB headers and
// bearer tokens, lets its routes through and sends browsers without a
// session to its login route.
//
//	verifier, err := core.NewVerifier()   // COGNITO_AUTH_USER_POOL_ID, COGNITO_AUTH_CLIENT_ID, …
//	ui, err := hostedui.New(verifier)     // COGNITO_AUTH_DOMAIN, COGNITO_AUTH_APP_URL, …
//	auth, err := nethttpauth.New(nethttpauth.WithCoreOptions(core.WithVerifier(verifier), core.WithSources(ui)))
//	ui.Mount(mux)                         // login, callback and logout routes
package hostedui
