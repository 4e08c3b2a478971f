package hostedui

import "github.com/cognitoauth/cognito-auth-go/core"

// Codes of the hosted UI's refusals (each a *core.Error).
const (
	CodeInvalidSession core.Code = "invalid_session"           // session cookie tampered, truncated, spliced or sealed with an unknown key
	CodeSessionExpired core.Code = "session_expired"           // session past its absolute or idle lifetime, signed out, or its refresh token refused
	CodeSessionStore   core.Code = "session_store_unavailable" // the session store failed (503, fail closed)
	CodeRefreshFailed  core.Code = "refresh_unavailable"       // the token endpoint failed to renew a session (503; the session is kept)
)
