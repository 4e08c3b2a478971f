package main

import (
	"os"

	"github.com/cognitoauth/cognito-auth-go/core/m2m"
)

// scopeRead is what the client asks for: GetOrder and WatchOrders need it.
const scopeRead = "orders/read"

// tokenSource is the machine client's client-credentials token source:
// core/m2m, configured by the environment docs/services.md documents —
// the user pool's domain (COGNITO_AUTH_DOMAIN: a Cognito prefix with
// COGNITO_AUTH_USER_POOL_ID or COGNITO_AUTH_REGION, a custom domain, or a
// URL), the machine app client's id and secret
// (COGNITO_AUTH_M2M_CLIENT_ID, COGNITO_AUTH_M2M_CLIENT_SECRET) and the
// scopes it asks for (COGNITO_AUTH_M2M_SCOPES; orders/read when unset). It
// is the only place the client knows how a token is had, and it keeps one
// token for both clients until shortly before it expires.
func tokenSource() (*m2m.TokenSource, error) {
	var opts []m2m.Option
	if _, set := os.LookupEnv(m2m.EnvScopes); !set {
		opts = append(opts, m2m.WithScopes(scopeRead))
	}
	return m2m.New(opts...)
}
