package core

import (
	"context"
	"errors"
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

// NamedSource is implemented by credential sources that name themselves in
// DecisionEvent.Source (the hosted UI's session source is "session").
type NamedSource interface {
	SourceName() string
}
