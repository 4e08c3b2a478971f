// Package m2m is the calling side of machine-to-machine (M2M) requests: a
// token source for Cognito's client credentials grant, so a service calls
// another service protected by cognito-auth-go (which admits the caller as
// a machine principal, core.User.Machine, when its app client is listed in
// COGNITO_AUTH_MACHINE_CLIENT_IDS).
//
//	ts, err := m2m.New() // COGNITO_AUTH_DOMAIN, COGNITO_AUTH_M2M_CLIENT_ID, …
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer ts.Close()
//	resp, err := ts.Client(ctx).Get("https://orders.internal.example.com/orders")
//
// The grant itself is golang.org/x/oauth2/clientcredentials'; this package
// adds what a process with many goroutines and a fleet of replicas needs:
// one token request per token lifetime however many goroutines call,
// refresh shortly before expiry with jitter, the cached token kept while a
// refresh fails, retries with backoff, and errors that say what Cognito
// answered (invalid_client, invalid_scope, the HTTP status) but never a
// token or the secret.
//
// # Configuration
//
// Defaults, then the environment, then options:
//
//	COGNITO_AUTH_DOMAIN             the user pool domain (as core/hostedui reads it): a Cognito
//	                                prefix (my-app), a domain (my-app.auth.eu-west-2.amazoncognito.com,
//	                                auth.example.com) or a URL (http only on a loopback host)
//	COGNITO_AUTH_USER_POOL_ID       for a prefix: the pool whose region it is in (the first pool)
//	COGNITO_AUTH_REGION             for a prefix, without a pool id: its region
//	COGNITO_AUTH_M2M_CLIENT_ID      the calling app client, one with the client credentials grant
//	COGNITO_AUTH_M2M_CLIENT_SECRET  its secret (or WithClientSecretFunc)
//	COGNITO_AUTH_M2M_SCOPES         custom scopes to ask for, space- or comma-separated
//	                                (resourceServerIdentifier/scopeName; default: all the client's)
//
// Locally, cognito-local -hosted-ui -machine-client id:secret:scopes serves a
// token endpoint that answers as Cognito's does, and prints this
// environment; in tests, cognitotest.WithMachineClient does the same.
package m2m
