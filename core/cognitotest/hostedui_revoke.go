package cognitotest

import (
	"net/http"
	"strings"
	"time"
)

// revoke is POST /oauth2/revoke.
func (h *HostedUI) revoke(w http.ResponseWriter, r *http.Request) {
	h.revokeCalls.Add(1)
	if e := h.revokeToken(r); e != nil {
		e.write(w)
		return
	}
	// https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html:
	// "A successful response contains an empty body"; "HTTP 200 if the token
	// has been revoked or if the client submitted an invalid token".
	w.WriteHeader(http.StatusOK)
}

func (h *HostedUI) revokeToken(r *http.Request) *oauthErr {
	if e := readForm(r); e != nil {
		return e
	}
	// RFC 7009 §2.1: the server "first validates the client credentials";
	// revocation-endpoint.html: "HTTP 401 and error invalid_client is
	// returned if the client credentials are invalid".
	client, e := h.authenticateClient(r, atRevoke)
	if e != nil {
		return e
	}
	// revocation-endpoint.html: "HTTP 400 and error invalid_request is
	// returned if the token is not present in the request"; "HTTP 400 and
	// error unsupported_token_type is returned if the token sent in the
	// revocation request is not a refresh token" (access and ID tokens are
	// JWTs; this stand-in's refresh tokens are not).
	tok := r.PostForm.Get("token")
	if tok == "" {
		return badRequest("invalid_request", "token is required")
	}
	if strings.Count(tok, ".") == 2 {
		return badRequest("unsupported_token_type", "only refresh tokens can be revoked")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	// revocation-endpoint.html: the endpoint "revokes a user's access token
	// that Amazon Cognito initially issued with the refresh token that you
	// provide, and all subsequent access and identity tokens from the same
	// refresh token". With rotation, the pages are silent on the refresh
	// tokens rotated from it or to it; the strict choice: the whole sign-in
	// (every refresh and access token it led to) is revoked.
	if g := h.grants.refresh[tok]; g != nil && g.clientID == client {
		h.grants.revoked[g.session] = true
	}
	return nil
}

// GlobalSignOut signs username out of every sign-in, as Cognito's
// GlobalSignOut and AdminUserGlobalSignOut do
// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUserGlobalSignOut.html):
// every refresh token the user holds stops working (invalid_grant) and
// their access tokens — the hosted UI's and those the Issuer minted for ALB
// header sets, issued before now — are refused by /oauth2/userInfo. The access tokens
// still verify offline until they expire, as real ones do. It returns how
// many sign-ins it ended.
func (h *HostedUI) GlobalSignOut(username string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.signedOut == nil {
		h.signedOut = map[string]time.Time{}
	}
	h.signedOut[strings.ToLower(username)] = h.now()
	ended := map[string]bool{}
	for _, g := range h.grants.refresh {
		if strings.EqualFold(g.user.Username, username) && !h.grants.revoked[g.session] {
			h.grants.revoked[g.session] = true
			ended[g.session] = true
		}
	}
	return len(ended)
}
