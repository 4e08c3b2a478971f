// Package connectauth protects Connect handlers (connectrpc.com/connect)
// with cognito-auth-go, and gives Connect clients their bearer token. It is
// a module of its own, apart from grpcauth, so that an application using
// one RPC stack does not download the other.
//
// Server side, one interceptor verifies the Cognito access token each call
// carries ("Authorization: Bearer <token>", exactly one value), for users
// and for machine clients (client-credentials tokens of
// COGNITO_AUTH_MACHINE_CLIENT_IDS), and applies the rules of the procedure
// or of its service, for the Connect, gRPC and gRPC-Web protocols alike,
// over HTTP/1.1 or HTTP/2 (TLS or h2c):
//
//	auth, err := connectauth.New( // reads COGNITO_AUTH_*; bearer tokens are on
//		connectauth.WithServiceRules("orders.v1.OrderService", core.RequireScopes("orders/read")),
//		connectauth.WithMethodRules("/orders.v1.OrderService/DeleteOrder", core.AllowGroups("admins")),
//	)
//	if err != nil { log.Fatal(err) }
//	mux.Handle(ordersv1connect.NewOrderServiceHandler(svc, connect.WithInterceptors(auth.Interceptor())))
//
// Handlers read the principal with core.UserFromContext(ctx) (or the
// shorthand connectauth.User(ctx)). Refused calls end with
// CodeUnauthenticated, CodePermissionDenied or CodeUnavailable (a key
// server outage: retry); CodeInternal only when the server is
// misconfigured. The handler's context is cancelled when the token
// expires, so a stream ends when its token does. The standard health
// service is bypassed (WithProtectedHealth protects it), server reflection
// is protected (WithPublicReflection opens it).
//
// Client side, ClientInterceptor adds the Authorization header from an
// oauth2.TokenSource.
package connectauth
