package cognitotest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"time"
)

// IDTokenOption changes the claims of a minted ID token.
type IDTokenOption func(claims map[string]any)

// WithIDClaim sets (or, with Without, deletes) a claim of a minted ID token.
func WithIDClaim(k string, v any) IDTokenOption {
	return func(claims map[string]any) { set(claims, k, v) }
}

// MintIDToken returns a Cognito ID token for u, issued to clientID with the
// given nonce (omitted when empty), valid for ttl.
func (i *Issuer) MintIDToken(u User, clientID, nonce string, ttl time.Duration, opts ...IDTokenOption) string {
	u = withDefaults(u)
	now := time.Now()
	claims := map[string]any{
		"sub": u.Sub, "aud": clientID, "iss": i.IssuerURL(), "token_use": "id",
		"cognito:username": u.Username, "email": u.Email, "email_verified": !u.EmailUnverified,
		"auth_time": now.Unix(), "iat": now.Unix(), "exp": now.Add(ttl).Unix(),
		"event_id": NewUUID(), "origin_jti": NewUUID(), "jti": NewUUID(),
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	if len(u.Groups) > 0 {
		claims["cognito:groups"] = u.Groups
	}
	for k, v := range map[string]string{"name": u.Name, "given_name": u.GivenName, "family_name": u.FamilyName} {
		if v != "" {
			claims[k] = v
		}
	}
	for _, o := range opts {
		o(claims)
	}
	claims = clean(claims)
	i.mu.RLock()
	kid, key := i.rsaKid, i.rsaKey
	i.mu.RUnlock()
	return signRS256(map[string]any{"alg": "RS256", "kid": kid}, claims, key)
}

func signRS256(header, claims map[string]any, key *rsa.PrivateKey) string {
	hdr, _ := json.Marshal(header)
	payload, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(hdr) + "." + enc.EncodeToString(payload)
	digest := sha256.Sum256([]byte(signing))
	sig, _ := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	return signing + "." + enc.EncodeToString(sig)
}

// withDefaults fills a User's empty identity fields as Mint does.
func withDefaults(u User) User {
	if u.Sub == "" {
		u.Sub = NewUUID()
	}
	if u.Username == "" {
		u.Username = u.Sub
	}
	if u.Email == "" {
		u.Email = "user@example.com"
	}
	return u
}
