package cognitotest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// WithMachineClient registers a machine app client: one with the client
// credentials grant (and no other), its secret, and the custom scopes it
// may be granted, which Cognito names resourceServerIdentifier/scopeName
// (orders/read, https://api.example.com/orders.write). Its tokens come from
// POST /oauth2/token with grant_type=client_credentials, authenticated with
// client_secret_basic or client_secret_post like the sign-in app client's,
// and are what Issuer.MintMachine mints. Cognito enables the grant only on
// a client with a secret; secret "" registers a public client, which the
// grant refuses with unauthorized_client, to test that answer. Repeat the
// option for several clients; an id used twice keeps the last. The
// sign-in app client's id is ignored: that client stays a user client.
func WithMachineClient(id, secret string, scopes ...string) HostedUIOption {
	return func(h *HostedUI) {
		if h.machines == nil {
			h.machines = map[string]appClient{}
		}
		h.machines[id] = appClient{secret: secret, machine: true, scopes: slices.Clone(scopes)}
	}
}

// MachineTokenCalls counts token endpoint requests for the client
// credentials grant (every form naming grant_type=client_credentials),
// refused ones included.
func (h *HostedUI) MachineTokenCalls() int64 { return h.machineCalls.Load() }

// clientCredentialsGrant issues an access token to the machine client c
// (id), authenticated already.
func (h *HostedUI) clientCredentialsGrant(w http.ResponseWriter, r *http.Request, id string, c appClient) *oauthErr {
	switch {
	case !c.machine:
		// https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints-oauth-grants.html:
		// "You can't enable client credentials grants in the same app client
		// as either implicit or authorization code grants"; token-endpoint.html:
		// unauthorized_client, "Client is not allowed for code grant flow or
		// for refreshing tokens" (here: for this grant).
		return badRequest("unauthorized_client", "this app client has authorization code grants, not client credentials")
	case c.secret == "":
		// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html:
		// "An app client can only use the client credentials flow if the app
		// client has a client secret." The pages do not name the error a
		// public client gets; token-endpoint.html's unauthorized_client is
		// the one for a grant the client is not allowed.
		return badRequest("unauthorized_client", "the client credentials grant needs an app client with a secret")
	}
	scopes, e := c.grantScopes(r)
	if e != nil {
		return e
	}
	// https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html:
	// "Machine-to-machine (M2M) sessions that have completed a
	// client-credentials grant. Successful authorization with the client
	// secret returns an access token"; its sample response for "Exchanging
	// client credentials for an access token" has access_token, token_type
	// "Bearer" and expires_in, and "The token endpoint returns refresh_token
	// only when the grant_type is authorization_code". No id_token either:
	// the token names no user. The access token is not recorded for
	// /oauth2/userInfo, which answers for users (it gets invalid_token).
	access := h.iss.MintMachine(id, scopes, ExpiresIn(h.ttl))
	w.Header().Set("Content-Type", "application/json")
	// RFC 6749 §5.1: the answer "MUST include the HTTP "Cache-Control"
	// response header field [RFC2616] with a value of "no-store"".
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": int(h.ttl.Seconds())})
	return nil
}

// grantScopes checks the scope parameter of a client credentials request
// against the machine client's allowed scopes and returns the scopes to
// grant.
func (c appClient) grantScopes(r *http.Request) ([]string, *oauthErr) {
	// https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html,
	// scope: "Can be a combination of any custom scopes associated with a
	// client"; "If the client doesn't request any scopes, the
	// authentication server uses all custom scopes associated with the
	// client"; "Optional. Only used if the grant_type is client_credentials".
	raw, sent := r.PostForm["scope"]
	if !sent {
		return slices.Clone(c.scopes), nil
	}
	// The page also says a scope not associated with the client "will be
	// ignored at runtime", but
	// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html:
	// "If a client requests a disallowed scope at runtime, an error is
	// returned and an access token isn't issued". The strict reading: it is
	// refused, with RFC 6749 §5.2's invalid_scope ("The requested scope is
	// invalid, unknown, malformed, or exceeds the scope granted by the
	// resource owner"). The scopes are space-separated (RFC 6749 §3.3, which
	// also makes an empty value malformed); each is the full
	// resourceServerIdentifier/scopeName, as the resource-servers page says
	// a client "must request".
	requested := strings.Fields(raw[0])
	if len(requested) == 0 {
		return nil, badRequest("invalid_scope", "scope is empty")
	}
	var out []string
	for _, s := range requested {
		if !slices.Contains(c.scopes, s) {
			return nil, badRequest("invalid_scope", "scope "+s+" is not one of this app client's")
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}
