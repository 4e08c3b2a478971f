package core

import (
	"context"
	"strings"
)

// bearerScheme is the Authorization scheme accepted, case-insensitively.
const bearerScheme = "Bearer"

// bearerSource verifies "Authorization: Bearer <Cognito access token>" with
// the same rules as the ALB's access token (COGNITO_AUTH_BEARER).
type bearerSource struct{ v *Verifier }

func (s bearerSource) Authenticate(ctx context.Context, req Request) (*User, error) {
	vals := req.HeaderValues("Authorization")
	switch {
	case len(vals) == 0:
		return nil, ErrNoCredentials
	case len(vals) > 1:
		return nil, invalid(CodeDuplicateHeader, "Authorization was sent more than once")
	case len(vals[0]) > maxHeaderBytes+len(bearerScheme)+1:
		return nil, invalid(CodeHeaderTooLarge, "Authorization is over the size cap")
	}
	scheme, tok, ok := strings.Cut(vals[0], " ")
	if !ok || !strings.EqualFold(scheme, bearerScheme) || tok == "" || hasSeparator(tok) {
		return nil, invalid(CodeBadAuthorization, `Authorization is not "Bearer <token>"`)
	}
	s.v.cfg.steps.pass("request", "Authorization", "one Bearer token")
	return s.v.VerifyAccessToken(ctx, tok)
}

// hasSeparator reports whether tok holds a space, tab or comma (a second
// token or a parameter list): one vectorised scan per byte, where
// strings.ContainsAny walks a kilobyte token byte by byte.
func hasSeparator(tok string) bool {
	return strings.IndexByte(tok, ' ') >= 0 || strings.IndexByte(tok, '\t') >= 0 || strings.IndexByte(tok, ',') >= 0
}
