package cognitotest

import (
	"strings"
	"time"
)

// issuedAccess is an access token the Issuer signed (as Cognito's token
// endpoint would have issued it), remembered so that the hosted UI's
// /oauth2/userInfo can answer for it: ALB header sets carry such tokens.
type issuedAccess struct {
	user     User
	iat, exp time.Time
	scopes   []string
}

// remember records an access token Mint signed with the issuer's key and
// untampered claims.
func (i *Issuer) remember(tok string, u User, claims map[string]any) {
	a := issuedAccess{user: u}
	if v, ok := claims["iat"].(int64); ok {
		a.iat = time.Unix(v, 0)
	}
	switch v := claims["exp"].(type) {
	case int64:
		a.exp = time.Unix(v, 0)
	case int:
		a.exp = time.Unix(int64(v), 0)
	}
	if s, ok := claims["scope"].(string); ok {
		a.scopes = strings.Fields(s)
	}
	if _, ok := claims["username"].(string); !ok || claims["token_use"] != "access" {
		return // a machine token or an odd one: userInfo answers for users only
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.issued == nil {
		i.issued = map[string]issuedAccess{}
	}
	i.issued[tok] = a
}

// issuedToken returns what the Issuer remembers of an access token it
// signed.
func (i *Issuer) issuedToken(tok string) (issuedAccess, bool) {
	i.mu.RLock()
	defer i.mu.RUnlock()
	a, ok := i.issued[tok]
	return a, ok
}
