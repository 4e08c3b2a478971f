package cognitotest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// userInfo is GET /oauth2/userInfo.
func (h *HostedUI) userInfo(w http.ResponseWriter, r *http.Request) {
	// https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html:
	// "Authorization: Bearer <access_token>" is required; a malformed request
	// is "HTTP/1.1 400 Bad Request" with WWW-Authenticate: error="invalid_request";
	// an access token that is "expired, revoked, malformed, or invalid" is
	// "HTTP/1.1 401 Unauthorized" with error="invalid_token".
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_request"`)
		badRequest("invalid_request", "Authorization: Bearer <access_token> is required").write(w)
		return
	}
	h.userInfoCalls.Add(1)
	h.mu.Lock()
	g := h.grants.access[tok]
	// https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html:
	// revoking a refresh token also revokes "all access tokens that Amazon
	// Cognito issued with this refresh token".
	valid := g != nil && h.now().Before(g.expires) && !h.grants.revoked[g.session]
	if g == nil {
		// A token of the pool issued elsewhere (the ALB's sign-in): valid
		// until it expires or its user is signed out everywhere. userinfo-endpoint.html:
		// "The openid scope must be one of the access token claims."
		if a, ok := h.iss.issuedToken(tok); ok {
			out, signedOut := h.signedOut[strings.ToLower(a.user.Username)]
			valid = h.now().Before(a.exp) && slices.Contains(a.scopes, "openid") && (!signedOut || a.iat.After(out))
			g = &accessGrant{user: a.user, expires: a.exp}
		}
	}
	h.mu.Unlock()
	if !valid {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		(&oauthErr{http.StatusUnauthorized, "invalid_token", "Access token is expired, disabled, or deleted, or the user has globally signed out."}).write(w)
		return
	}
	u := withDefaults(g.user)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"sub": u.Sub, "username": u.Username, "email": u.Email, "email_verified": strconv.FormatBool(!u.EmailUnverified),
		"name": u.Name, "given_name": u.GivenName, "family_name": u.FamilyName,
	})
}
