package m2m

import (
	"context"
	"errors"
	"net/http"

	"golang.org/x/oauth2"
)

// CallToken returns how an RPC client's credentials get each call's token
// from ts (grpcauth.PerRPCCredentials, connectauth.ClientInterceptor): a
// *TokenSource as it is (it caches, refreshes before expiry and stops
// waiting when the call's context ends), any other source wrapped in
// oauth2.ReuseTokenSource so that a token is fetched only when the last one
// is about to expire. Wrapping a *TokenSource would skip its early refresh
// and write to the token it shares with every caller.
func CallToken(ts oauth2.TokenSource) func(context.Context) (*oauth2.Token, error) {
	if s, ok := ts.(*TokenSource); ok {
		return s.TokenContext
	}
	reuse := oauth2.ReuseTokenSource(nil, ts)
	return func(context.Context) (*oauth2.Token, error) { return reuse.Token() }
}

// Refused reports whether err says the token endpoint refused the client
// (a 4xx answer, such as invalid_client): asking again will not help, so a
// call fails as unauthenticated rather than unavailable. It reads a
// *TokenError and x/oauth2's *oauth2.RetrieveError.
func Refused(err error) bool {
	status := 0
	var te *TokenError
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &te):
		status = te.StatusCode
	case errors.As(err, &re) && re.Response != nil:
		status = re.Response.StatusCode
	}
	return status >= http.StatusBadRequest && status < http.StatusInternalServerError
}
