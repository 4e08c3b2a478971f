package cognitotest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// token is POST /oauth2/token.
func (h *HostedUI) token(w http.ResponseWriter, r *http.Request) {
	h.tokenCalls.Add(1)
	if e := h.tokenGrant(w, r); e != nil {
		e.write(w)
	}
}

func (h *HostedUI) tokenGrant(w http.ResponseWriter, r *http.Request) *oauthErr {
	if e := readForm(r); e != nil {
		return e
	}
	if r.PostForm.Get("grant_type") == "client_credentials" {
		h.machineCalls.Add(1)
	}
	client, e := h.authenticateClient(r, atToken)
	if e != nil {
		return e
	}
	// https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html:
	// grant_type "Must be authorization_code or refresh_token or
	// client_credentials"; unsupported_grant_type "if grant_type is
	// anything other than" those.
	grant := r.PostForm.Get("grant_type")
	c, _ := h.client(client)
	if c.machine && (grant == "authorization_code" || grant == "refresh_token") {
		// https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints-oauth-grants.html:
		// "You can't enable client credentials grants in the same app client
		// as either implicit or authorization code grants"; token-endpoint.html:
		// unauthorized_client, "Client is not allowed for code grant flow or
		// for refreshing tokens".
		return badRequest("unauthorized_client", "this app client has the client credentials grant, not authorization code grants")
	}
	switch grant {
	case "":
		return badRequest("invalid_request", "grant_type is required")
	case "authorization_code":
		return h.codeGrant(w, r, client)
	case "refresh_token":
		h.refreshCalls.Add(1)
		return h.refreshGrant(w, r, client)
	case "client_credentials":
		return h.clientCredentialsGrant(w, r, client, c)
	default:
		return badRequest("unsupported_grant_type", "")
	}
}

// codeGrant redeems an authorization code.
func (h *HostedUI) codeGrant(w http.ResponseWriter, r *http.Request, client string) *oauthErr {
	f := r.PostForm
	// token-endpoint.html: code is "Required if grant_type is
	// authorization_code", redirect_uri "Required only if grant_type is
	// authorization_code"; invalid_request: "The request is missing a
	// required parameter".
	code, redirect := f.Get("code"), f.Get("redirect_uri")
	if code == "" || redirect == "" {
		return badRequest("invalid_request", "code and redirect_uri are required")
	}
	h.mu.Lock()
	g := h.grants.codes[code]
	var e *oauthErr
	switch {
	// token-endpoint.html, invalid_grant: "Authorization code has been
	// consumed already or does not exist."
	case g == nil:
		e = badRequest("invalid_grant", "the code does not exist")
	case g.used:
		// The Cognito pages are silent on what a replay does to the first
		// redemption's tokens; RFC 6749 §4.1.2: the server "SHOULD revoke
		// (when possible) all tokens previously issued based on that
		// authorization code". The strict choice: it does.
		h.grants.revoked[g.session] = true
		e = badRequest("invalid_grant", "the code was consumed already")
	// https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html:
	// "The response returns a one time use code that is valid for five minutes."
	case !h.now().Before(g.expires):
		e = badRequest("invalid_grant", "the code expired")
	}
	if g != nil {
		g.used = true // single use: a failed redemption spends it too (the pages are silent; the strict choice)
	}
	h.mu.Unlock()
	if e != nil {
		return e
	}
	// token-endpoint.html, client_id: "You must specify the same app client
	// that authenticated your user"; redirect_uri: "Must be the same
	// redirect_uri that was used to get authorization_code in
	// /oauth2/authorize". RFC 6749 §5.2 names the error: invalid_grant.
	if g.clientID != client {
		return badRequest("invalid_grant", "the code was issued to another app client")
	}
	if g.redirectURI != redirect {
		return badRequest("invalid_grant", "redirect_uri is not the one the code was issued for")
	}
	if e := checkVerifier(g.challenge, f); e != nil {
		return e
	}
	rt := randomToken()
	h.mu.Lock()
	h.grants.refresh[rt] = &refreshGrant{user: g.user, session: g.session, clientID: g.clientID, scope: g.scope}
	h.mu.Unlock()
	h.writeTokens(w, g.user, g.session, g.nonce, g.scope, rt)
	return nil
}

// checkVerifier is the PKCE check of a code issued for challenge ("" when
// the authorize request had none).
func checkVerifier(challenge string, f url.Values) *oauthErr {
	verifier, sent := "", false
	if v, ok := f["code_verifier"]; ok {
		verifier, sent = v[0], true
	}
	if challenge == "" {
		// token-endpoint.html recommends PKCE ("For application security,
		// use PKCE with your authorization code sign-in events") but does
		// not require it, for public clients either: code_verifier is
		// "Required if grant_type is authorization_code and the
		// authorization code was requested with PKCE". So a code without a
		// challenge redeems without a verifier. The pages are silent on a
		// verifier sent anyway; RFC 9700 §2.1.1 has the server refuse it
		// when the authorization request had no code_challenge (a PKCE
		// downgrade).
		if sent {
			return badRequest("invalid_grant", "code_verifier for a code issued without a code_challenge")
		}
		return nil
	}
	// token-endpoint.html: code_verifier is "Required if grant_type is
	// authorization_code and the authorization code was requested with PKCE".
	if !sent || verifier == "" {
		return badRequest("invalid_request", "code_verifier is required: the code was requested with PKCE")
	}
	// https://docs.aws.amazon.com/cognito/latest/developerguide/using-pkce-in-authorization-code.html:
	// Cognito "only returns ID, access, and refresh tokens if it determines
	// that the code verifier results in the same code challenge"; the
	// verifier's form is RFC 7636 §4.1's (43-128 unreserved characters).
	sum := sha256.Sum256([]byte(verifier))
	if !validVerifier(verifier) || subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) != 1 {
		return badRequest("invalid_grant", "PKCE verification failed")
	}
	return nil
}

func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for _, c := range v {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && (c < '0' || c > '9') && !strings.ContainsRune("-._~", c) {
			return false
		}
	}
	return true
}

// refreshGrant exchanges a refresh token for new tokens.
func (h *HostedUI) refreshGrant(w http.ResponseWriter, r *http.Request, client string) *oauthErr {
	// token-endpoint.html, invalid_request: "For example, grant_type is
	// refresh_token but refresh_token is not included."
	tok := r.PostForm.Get("refresh_token")
	if tok == "" {
		return badRequest("invalid_request", "refresh_token is required")
	}
	now := h.now()
	h.mu.Lock()
	g := h.grants.refresh[tok]
	var e *oauthErr
	switch {
	// token-endpoint.html, invalid_grant: "Refresh token has been revoked."
	case g == nil:
		e = badRequest("invalid_grant", "the refresh token does not exist")
	// https://repost.aws/knowledge-center/cognito-invalid-refresh-token-error:
	// "If you use a different app client ID than the one that issued the
	// refresh token", the refresh fails. (One app client here: a binding
	// kept for the day there are more.)
	case g.clientID != client:
		e = badRequest("invalid_grant", "the refresh token was issued to another app client")
	case !g.usable(&h.grants, now, h.grace):
		e = badRequest("invalid_grant", "the refresh token was revoked, or rotated out and its grace period is over")
	}
	next := ""
	if e == nil && h.rotate {
		// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html:
		// "When enabled, your app client issues new ID, access, and refresh
		// tokens when users renew their sessions with refresh tokens", and
		// "the original refresh token that you're rotating out can remain
		// valid for a period of time of up to 60 seconds. This allows for
		// client-side retries. When RetryGracePeriodSeconds is 0, the grace
		// period is disabled and a successful request immediately
		// invalidates the submitted refresh token." So a retry within the
		// grace period renews the session with a valid refresh token and gets
		// another new refresh token, not the first one again; the grace
		// period counts from the first use. The pages do not say a retry
		// invalidates the refresh token the first use returned: it stays
		// valid (nothing documented retires it).
		if g.retired.IsZero() {
			g.retired = now
		}
		next = randomToken()
		h.grants.refresh[next] = &refreshGrant{user: g.user, session: g.session, clientID: g.clientID, scope: g.scope}
	}
	h.mu.Unlock()
	if e != nil {
		return e
	}
	// Without rotation (API_RefreshTokenRotationType.html): "When disabled,
	// token refresh issues only ID and access tokens."
	h.writeTokens(w, g.user, g.session, "", g.scope, next)
	return nil
}

// writeTokens answers a grant with new tokens.
func (h *HostedUI) writeTokens(w http.ResponseWriter, u User, session, nonce string, scope []string, refresh string) {
	h.mu.Lock()
	authTime := h.grants.signedIn[session].Unix()
	h.mu.Unlock()
	access := h.iss.Mint(u, ExpiresIn(h.ttl), WithAccessClaim("scope", strings.Join(scope, " ")), WithAccessClaim("auth_time", authTime)).AccessToken
	h.mu.Lock()
	h.grants.access[access] = &accessGrant{user: u, session: session, expires: h.now().Add(h.ttl)}
	h.mu.Unlock()
	body := map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": int(h.ttl.Seconds())}
	// authorization-endpoint.html, scope: "An ID token is only returned if
	// openid scope is requested."
	if slices.Contains(scope, "openid") {
		body["id_token"] = h.iss.MintIDToken(u, h.iss.ClientID(), nonce, h.ttl, WithIDClaim("auth_time", authTime))
	}
	if refresh != "" {
		body["refresh_token"] = refresh
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(body)
}
