package core

import (
	"context"
	"errors"
	"strings"
)

// Source authenticates requests from one kind of credential. The BaseAuth
// tries its sources in order — ALB headers, a bearer token, the sources
// given with WithSources (such as hostedui's session), dev mode — and the
// first that finds its credentials decides.
type Source interface {
	// Authenticate returns the request's user, ErrNoCredentials when the
	// request carries none of this source's credentials (the next source is
	// tried), or any other error to refuse the request.
	Authenticate(ctx context.Context, req Request) (*User, error)
}

// ErrNoCredentials is returned by a Source when the request carries none of
// its credentials, so the next source is tried. It never reaches a client:
// when no source finds credentials the request is refused with
// ErrMissingToken.
var ErrNoCredentials = errors.New("cognito-auth: no credentials of this source")

// PathOwner is implemented by sources that serve routes of their own (the
// hosted-UI login, callback and logout), which app-wide protection must let
// through.
type PathOwner interface {
	OwnsPath(path string) bool
}

// LoginRedirector is implemented by sources that can sign a browser in: a
// browser refused for lack of credentials is sent to LoginURL, and returns
// to returnPath (a same-origin path) afterwards.
type LoginRedirector interface {
	LoginURL(returnPath string) string
}

// albSource verifies the three headers an ALB adds after Cognito login.
type albSource struct{ v *Verifier }

func (s albSource) Authenticate(ctx context.Context, req Request) (*User, error) {
	data, err := headerValue(req, HeaderData, maxHeaderBytes)
	if err != nil {
		return nil, err
	}
	access, err := headerValue(req, HeaderAccessToken, maxHeaderBytes)
	if err != nil {
		return nil, err
	}
	identity, err := headerValue(req, HeaderIdentity, maxIdentityBytes)
	if err != nil {
		return nil, err
	}
	switch {
	case data == "" && access == "" && identity == "":
		return nil, ErrNoCredentials
	case data == "":
		return nil, newError(ErrMissingToken, CodeMissingData, HeaderData+" is missing")
	case access == "":
		return nil, newError(ErrMissingToken, CodeMissingAccess, HeaderAccessToken+" is missing")
	case identity == "":
		return nil, newError(ErrMissingToken, CodeMissingIdentity, HeaderIdentity+" is missing")
	}
	s.v.cfg.pass("request", "ALB headers", "x-amzn-oidc-data, x-amzn-oidc-accesstoken and x-amzn-oidc-identity, once each")
	return s.v.verifyALB(ctx, data, access, identity)
}

// headerValue reads exactly one value of a header, enforcing its size cap.
func headerValue(req Request, name string, maxLen int) (string, *Error) {
	vals := req.HeaderValues(name)
	switch {
	case len(vals) == 0:
		return "", nil
	case len(vals) > 1:
		return "", invalid(CodeDuplicateHeader, name+" was sent more than once")
	case len(vals[0]) > maxLen:
		return "", invalid(CodeHeaderTooLarge, name+" is over the size cap")
	}
	return vals[0], nil
}

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
	if !ok || !strings.EqualFold(scheme, bearerScheme) || tok == "" || strings.ContainsAny(tok, " \t,") {
		return nil, invalid(CodeBadAuthorization, `Authorization is not "Bearer <token>"`)
	}
	s.v.cfg.pass("request", "Authorization", "one Bearer token")
	return s.v.VerifyAccessToken(ctx, tok)
}
