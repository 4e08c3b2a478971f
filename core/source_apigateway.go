package core

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/jose"
)

// AuthorizerClaims are the claims of a token that an Amazon API Gateway
// authorizer has already verified, as API Gateway hands them to the
// function: the REST API's Cognito user-pool authorizer
// (requestContext.authorizer.claims) or the HTTP API's JWT authorizer
// (requestContext.authorizer.jwt.claims). Every value is a string there:
// arrays arrive as "a,b" or "[a b]", exp as a number or a date such as
// "Tue Apr 04 18:39:39 UTC 2023".
type AuthorizerClaims map[string]string

// authorizerClaimsKey is the context key of AuthorizerClaims.
type authorizerClaimsKey struct{}

// ContextWithAuthorizerClaims returns ctx carrying the claims of the Lambda
// event's authorizer. Only code that read them from the event's request
// context may call it (lambdaauth does): the claims are trusted as verified
// when the app turns the authorizer source on.
func ContextWithAuthorizerClaims(ctx context.Context, claims AuthorizerClaims) context.Context {
	if len(claims) == 0 {
		return ctx
	}
	return context.WithValue(ctx, authorizerClaimsKey{}, claims)
}

// authorizerClaimsFrom returns the authorizer claims ctx carries, if any.
func authorizerClaimsFrom(ctx context.Context) (AuthorizerClaims, bool) {
	c, ok := ctx.Value(authorizerClaimsKey{}).(AuthorizerClaims)
	return c, ok && len(c) > 0
}

// authorizerSource reads the user from claims an API Gateway authorizer
// verified (COGNITO_AUTH_TRUST_APIGATEWAY_AUTHORIZER).
type authorizerSource struct{ v *Verifier }

func (s authorizerSource) Authenticate(ctx context.Context, _ Request) (*User, error) {
	claims, ok := authorizerClaimsFrom(ctx)
	if !ok {
		return nil, ErrNoCredentials
	}
	return s.v.UserFromAuthorizerClaims(claims)
}

// restClaimsDate is how the REST API's Cognito authorizer renders exp and
// iat (Java's Date.toString, always in UTC).
const restClaimsDate = "Mon Jan 02 15:04:05 MST 2006"

// UserFromAuthorizerClaims builds the user from claims an API Gateway
// authorizer verified. API Gateway checked the signature; this checks that
// the claims name an accepted issuer (a configured pool, either format or a
// replica region), a configured client (client_id of an access token, aud
// of an ID token), a sub, and an exp not yet past; then applies the email
// rule. The errors carry the same codes as token verification.
func (v *Verifier) UserFromAuthorizerClaims(c AuthorizerClaims) (*User, error) {
	const what = "API Gateway authorizer claims"
	if !v.issuers.configured() || len(v.cfg.clientIDs) == 0 {
		return nil, newError(ErrConfig, CodeNotConfigured, what+" were sent but no user pool and client id are configured")
	}
	iss := v.issuers.lookup(c["iss"])
	if iss == nil {
		return nil, invalid(CodeIssuerMismatch, what+": iss is not an accepted issuer of a configured pool")
	}
	u := &User{Sub: c["sub"], UserPoolID: iss.pool, Issuer: iss.issuer, Groups: claimList(c["cognito:groups"])}
	switch c["token_use"] {
	case "access":
		u.ClientID, u.Username, u.Scopes = c["client_id"], c["username"], strings.Fields(c["scope"])
		if !slices.Contains(v.cfg.clientIDs, u.ClientID) {
			return nil, invalid(CodeClientMismatch, what+": client_id is not a configured client")
		}
	case "id":
		u.ClientID, u.Username = c["aud"], c["cognito:username"]
		if !slices.Contains(v.cfg.clientIDs, u.ClientID) {
			return nil, invalid(CodeAudienceMismatch, what+": aud is not a configured client")
		}
		u.Email, u.EmailVerified = c["email"], c["email_verified"] == "true"
		u.Name, u.GivenName, u.FamilyName = c["name"], c["given_name"], c["family_name"]
	default:
		return nil, invalid(CodeTokenUse, what+": token_use is neither access nor id")
	}
	if u.Sub == "" {
		return nil, invalid(CodeMissingSub, what+" have no sub")
	}
	exp, e := v.checkExp(claimDate(c["exp"]), v.cfg.now(), what)
	if e != nil {
		return nil, e
	}
	u.ExpiresAt = time.Unix(exp, 0)
	if u.Email != "" && !u.EmailVerified && !v.cfg.allowUnverified {
		return nil, newError(ErrForbidden, CodeEmailUnverified, "user's email is not verified")
	}
	return u, nil
}

// claimDate reads a date claim as API Gateway renders it: seconds since the
// epoch (HTTP API) or a UTC date (REST API).
func claimDate(s string) jose.Date {
	if s == "" {
		return jose.Date{Err: jose.ErrDateMissing}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return jose.Date{Unix: n}
	}
	t, err := time.Parse(restClaimsDate, s)
	if err != nil || !strings.Contains(s, " UTC ") {
		return jose.Date{Err: errors.New("not a date")}
	}
	return jose.Date{Unix: t.Unix()}
}

// claimList reads a list claim as API Gateway renders it: "[a b]" (HTTP
// API), "a,b" (REST API) or one value. Cognito group names hold no spaces.
func claimList(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		return strings.FieldsFunc(s[1:len(s)-1], func(r rune) bool { return r == ' ' || r == ',' })
	}
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' })
}
