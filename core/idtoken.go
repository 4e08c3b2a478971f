package core

import (
	"context"
	"crypto/subtle"
	"slices"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/jose"
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

type idClaims struct {
	IDClaims
	iss, aud, tokenUse, nonce string
	audList                   []string
	groupsOK                  bool
	exp, iat, nbf             jose.Date
}

func decodeIDClaims(b []byte) (idClaims, error) {
	c := idClaims{exp: jose.MissingDate, iat: jose.MissingDate, nbf: jose.MissingDate, groupsOK: true}
	err := jose.DecodeObject(b, func(k string, v *jose.Value) error {
		var err error
		switch k {
		case "sub":
			c.Sub, err = jose.String(v)
		case "cognito:username":
			c.Username, err = jose.String(v)
		case "email":
			c.Email, err = jose.String(v)
		case "email_verified":
			c.EmailVerified = jose.IsTrue(v)
		case "name":
			c.Name, err = jose.String(v)
		case "given_name":
			c.GivenName, err = jose.String(v)
		case "family_name":
			c.FamilyName, err = jose.String(v)
		case "iss":
			c.iss, err = jose.String(v)
		case "aud":
			if c.aud, err = jose.String(v); err != nil {
				var ok bool
				if c.audList, ok = jose.Strings(v, 16, 256); !ok {
					return jose.ErrType
				}
				err = nil
			}
		case "token_use":
			c.tokenUse, err = jose.String(v)
		case "nonce":
			c.nonce, err = jose.String(v)
		case "cognito:groups":
			c.Groups, c.groupsOK = jose.Strings(v, maxGroups, maxGroupBytes)
		case "exp":
			c.exp = jose.NumericDate(v)
		case "iat":
			c.iat = jose.NumericDate(v)
		case "nbf":
			c.nbf = jose.NumericDate(v)
		}
		return err
	})
	return c, err
}

// VerifyIDToken verifies a Cognito ID token from the hosted UI's token
// endpoint: RS256 with a key from the pinned pool's JWKS, iss exact, aud a
// configured client id (required), token_use id, exp, iat, and — when nonce
// is not empty — the nonce sent with the login request.
func (a *BaseAuth) VerifyIDToken(ctx context.Context, raw, nonce string) (*IDClaims, error) {
	if !a.issuers.configured() || len(a.cfg.clientIDs) == 0 {
		return nil, newError(ErrConfig, CodeNotConfigured, "ID tokens need the user pool id and the client id configured")
	}
	now := a.cfg.now()
	c, kid, e := splitRS256(raw, "ID token")
	if e != nil {
		return nil, e
	}
	cl, err := decodeIDClaims(c.Payload)
	if err != nil {
		return nil, invalid(CodeMalformedClaims, "ID token payload is not a claims object of the right shape")
	}
	if _, e := a.verifyRS256(ctx, &c, kid, cl.iss, "ID token"); e != nil {
		return nil, e
	}
	auds := cl.audList
	if cl.aud != "" {
		auds = []string{cl.aud}
	}
	if !slices.ContainsFunc(auds, func(s string) bool { return slices.Contains(a.cfg.clientIDs, s) }) {
		return nil, invalid(CodeAudienceMismatch, "ID token aud is not a configured client")
	}
	if cl.tokenUse != "id" {
		return nil, invalid(CodeTokenUse, "ID token token_use is not id")
	}
	if nonce != "" && subtle.ConstantTimeCompare([]byte(cl.nonce), []byte(nonce)) != 1 {
		return nil, invalid(CodeNonceMismatch, "ID token nonce does not match the login request")
	}
	exp, e := a.checkExp(cl.exp, now, "ID token")
	if e != nil {
		return nil, e
	}
	if e := a.checkIssuedAt(cl.iat, now, "ID token"); e != nil {
		return nil, e
	}
	if e := a.checkNotBefore(cl.nbf, now, "ID token"); e != nil {
		return nil, e
	}
	if cl.Sub == "" {
		return nil, invalid(CodeMissingSub, "ID token has no sub")
	}
	if !cl.groupsOK {
		return nil, invalid(CodeInvalidGroups, "cognito:groups is not an array of strings")
	}
	out := cl.IDClaims
	out.ExpiresAt = time.Unix(exp, 0)
	return &out, nil
}
