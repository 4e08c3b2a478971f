package core

import (
	"context"
	"crypto/subtle"
	"slices"
	"time"
)

// IDClaims are the verified claims of a Cognito ID token.
type IDClaims struct {
	Sub, Username               string
	Email                       string
	EmailVerified               bool
	Name, GivenName, FamilyName string
	Groups                      []string
	ExpiresAt                   time.Time
}

// VerifyIDToken verifies a Cognito ID token from the hosted UI's token
// endpoint: RS256 with the key of the accepted issuer it names, aud a
// configured client id (required), token_use id, the registered claims, and
// — when nonce is not empty — the nonce sent with the login request.
func (v *Verifier) VerifyIDToken(ctx context.Context, raw, nonce string) (*IDClaims, error) {
	if !v.issuers.configured() || len(v.cfg.clientIDs) == 0 {
		return nil, newError(ErrConfig, CodeNotConfigured, "ID tokens need the user pool id and the client id configured")
	}
	now := v.cfg.now()
	c, kid, e := v.splitRS256(raw, "ID token")
	if e != nil {
		return nil, e
	}
	cl, err := decodeTokenClaims(c.Payload)
	if err != nil {
		return nil, invalid(CodeMalformedClaims, "ID token payload is not a claims object of the right shape")
	}
	if _, e := v.verifyRS256(ctx, &c, kid, cl.Iss, "ID token"); e != nil {
		return nil, e
	}
	if !slices.ContainsFunc(cl.Aud, func(s string) bool { return slices.Contains(v.cfg.clientIDs, s) }) {
		return nil, invalid(CodeAudienceMismatch, "ID token aud is not a configured client")
	}
	if cl.TokenUse != "id" {
		return nil, invalid(CodeTokenUse, "ID token token_use is not id")
	}
	if nonce != "" && subtle.ConstantTimeCompare([]byte(cl.Nonce), []byte(nonce)) != 1 {
		return nil, invalid(CodeNonceMismatch, "ID token nonce does not match the login request")
	}
	exp, e := v.checkRegistered(&cl, now, "ID token")
	if e != nil {
		return nil, e
	}
	return &IDClaims{
		Sub: cl.Sub, Username: cl.CognitoUsername, Email: cl.Email, EmailVerified: cl.EmailVerified,
		Name: cl.Name, GivenName: cl.GivenName, FamilyName: cl.FamilyName, Groups: cl.Groups, ExpiresAt: time.Unix(exp, 0),
	}, nil
}
