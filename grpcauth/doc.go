// Package grpcauth protects gRPC servers (google.golang.org/grpc) with
// cognito-auth-go, and gives gRPC clients their bearer token.
//
// Server side, interceptors verify the Cognito access token each call
// carries in its "authorization" metadata ("Bearer <token>", exactly one
// value), for users and for machine clients (client-credentials tokens of
// COGNITO_AUTH_MACHINE_CLIENT_IDS), and apply the rules of the method or of
// its service:
//
//	auth, err := grpcauth.New( // reads COGNITO_AUTH_*; bearer tokens are on
//		grpcauth.WithServiceRules("orders.v1.OrderService", core.RequireScopes("orders/read")),
//		grpcauth.WithMethodRules("/orders.v1.OrderService/DeleteOrder", core.AllowGroups("admins")),
//	)
//	if err != nil { log.Fatal(err) }
//	srv := grpc.NewServer(
//		grpc.ChainUnaryInterceptor(auth.UnaryServerInterceptor()),
//		grpc.ChainStreamInterceptor(auth.StreamServerInterceptor()),
//	)
//
// Handlers read the principal with core.UserFromContext(ctx) (or the
// shorthand grpcauth.User(ctx)). Refused calls end with Unauthenticated
// (missing, invalid or expired credentials), PermissionDenied, or
// Unavailable (a key server outage: retry); Internal only when the server
// is misconfigured. The handler's context is cancelled when the token
// expires, so a stream ends when its token does. The standard health
// service is bypassed (WithProtectedHealth protects it), server reflection
// is protected (WithPublicReflection opens it).
//
// Client side, PerRPCCredentials turns an oauth2.TokenSource into
// credentials for grpc.WithPerRPCCredentials.
package grpcauth
