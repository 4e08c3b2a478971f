package cognitotest

import (
	"crypto/subtle"
	"mime"
	"net/http"
	"net/url"
)

// Where the app client authenticates, and how.
const (
	atToken  = "/oauth2/token" //nolint:gosec // G101: an endpoint path, not a credential
	atRevoke = "/oauth2/revoke"
)

// readForm parses a token or revoke request body and refuses what the
// endpoints never accept.
func readForm(r *http.Request) *oauthErr {
	// https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
	// and https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html:
	// Content-Type "Must always be 'application/x-www-form-urlencoded'".
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		return badRequest("invalid_request", "Content-Type must be application/x-www-form-urlencoded")
	}
	if err := r.ParseForm(); err != nil {
		return badRequest("invalid_request", "the body is not a form")
	}
	// The Cognito pages are silent on repeated parameters; RFC 6749 §3.2:
	// "Request and response parameters MUST NOT be included more than once."
	for k, v := range r.PostForm {
		if len(v) > 1 {
			return badRequest("invalid_request", k+" is repeated")
		}
	}
	return nil
}

// appClient is what the token and revoke endpoints know of an app client:
// the sign-in app client (the issuer's client id) or a machine client
// (WithMachineClient).
type appClient struct {
	secret  string   // "" is a public client
	machine bool     // has the client credentials grant, and no other
	scopes  []string // a machine client's allowed custom scopes
}

// client looks up the app client id names.
func (h *HostedUI) client(id string) (appClient, bool) {
	if id == h.iss.ClientID() {
		return appClient{secret: h.clientSecret}, true
	}
	c, ok := h.machines[id] // read-only once the hosted UI is built
	return c, ok
}

func (c appClient) secretIs(s string) bool {
	return subtle.ConstantTimeCompare([]byte(s), []byte(c.secret)) == 1
}

// authenticateClient checks the app client's authentication at endpoint
// (atToken or atRevoke) and returns the client ID it proved.
func (h *HostedUI) authenticateClient(r *http.Request, endpoint string) (string, *oauthErr) {
	// https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
	// shows every error, invalid_client included, as "HTTP/1.1 400 Bad
	// Request"; revocation-endpoint.html: "HTTP 401 and error
	// invalid_client is returned if the client credentials are invalid".
	status := http.StatusBadRequest
	if endpoint == atRevoke {
		status = http.StatusUnauthorized
	}
	refuse := func(why string) (string, *oauthErr) { return "", &oauthErr{status, "invalid_client", why} }
	f := r.PostForm
	authz := r.Header.Get("Authorization")
	bodyID := f.Get("client_id")
	_, bodySecret := f["client_secret"]

	if authz == "" {
		c, known := h.client(bodyID)
		switch {
		case !known:
			return refuse("client_id in the body is missing or names no app client")
		// A public client. token-endpoint.html and revocation-endpoint.html:
		// client_id in the body is "Required if the client is public and
		// does not have a secret".
		case c.secret == "" && bodySecret:
			return refuse("a public app client has no client_secret")
		case c.secret == "":
			return bodyID, nil
		// token-endpoint.html: "The token endpoint supports
		// client_secret_basic and client_secret_post authentication";
		// revocation-endpoint.html: "If your app client has a client
		// secret, the app must pass its client_id and client_secret in the
		// authorization header through Basic HTTP authorization" (no
		// client_secret_post there).
		case endpoint == atToken && bodySecret:
			if !c.secretIs(f.Get("client_secret")) {
				return refuse("client_secret_post: wrong client_id or client_secret")
			}
			return bodyID, nil
		case endpoint == atRevoke && bodySecret:
			return refuse("the revoke endpoint takes the client secret only in a Basic Authorization header")
		}
		return refuse("an app client with a secret must authenticate")
	}
	rawID, rawSecret, basic := r.BasicAuth()
	if !basic {
		return refuse("the Authorization header must be HTTP Basic")
	}
	// token-endpoint.html: the header is Basic Base64Encode(client_id:client_secret);
	// RFC 6749 §2.3.1 form-encodes both first (x/oauth2 does). The two agree
	// for IDs and secrets of letters, digits and "_"; the page is silent on
	// a "+" (the API allows one in a secret): the RFC's reading here.
	id, errID := url.QueryUnescape(rawID)
	secret, errSecret := url.QueryUnescape(rawSecret)
	c, known := h.client(id)
	if errID == nil && known && c.secret == "" {
		// The Authorization header is for a client that "was issued a
		// secret" (token-endpoint.html, revocation-endpoint.html). The
		// pages do not say what a public client's Basic header (with an
		// empty secret) gets; the strict choice: refused.
		return refuse("a public app client (no secret) sends client_id in the body and no Authorization header")
	}
	// The Cognito pages are silent here; RFC 6749 §2.3: "The client MUST NOT
	// use more than one authentication method in each request."
	if bodySecret {
		return "", badRequest("invalid_request", "client_secret in both the Authorization header and the body")
	}
	if errID != nil || errSecret != nil || !known || !c.secretIs(secret) {
		return refuse("client_secret_basic: wrong client_id or client_secret")
	}
	// token-endpoint.html, client_id: "You must specify the same app client
	// that authenticated your user."
	if bodyID != "" && bodyID != id {
		return refuse("client_id in the body is not the client in the Authorization header")
	}
	return id, nil
}
