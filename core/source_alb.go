package core

import "context"

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
	s.v.cfg.steps.pass("request", "ALB headers", "x-amzn-oidc-data, x-amzn-oidc-accesstoken and x-amzn-oidc-identity, once each")
	return s.v.verifyALB(ctx, data, access, identity)
}
