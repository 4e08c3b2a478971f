module github.com/cognitoauth/cognito-auth-go/bench

go 1.25.0

require (
	connectrpc.com/connect v1.21.0
	github.com/MicahParks/keyfunc/v3 v3.9.1
	github.com/auth0/go-jwt-middleware/v2 v2.3.1
	github.com/cognitoauth/cognito-auth-go/connectauth v0.1.0
	github.com/cognitoauth/cognito-auth-go/core v0.1.0
	github.com/cognitoauth/cognito-auth-go/grpcauth v0.1.0
	github.com/coreos/go-oidc/v3 v3.21.0
	github.com/golang-jwt/jwt/v5 v5.3.1
	google.golang.org/grpc v1.84.0
	google.golang.org/protobuf v1.36.11
)

require (
	github.com/MicahParks/jwkset v0.11.4 // indirect
	github.com/go-jose/go-jose/v4 v4.1.4 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	github.com/valyala/fastjson v1.6.10 // indirect
	golang.org/x/crypto v0.55.0 // indirect
	golang.org/x/net v0.57.0 // indirect
	golang.org/x/oauth2 v0.36.0 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/text v0.41.0 // indirect
	golang.org/x/time v0.15.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260706201446-f0a921348800 // indirect
	gopkg.in/go-jose/go-jose.v2 v2.6.3 // indirect
)

replace github.com/cognitoauth/cognito-auth-go/core => ../core

replace github.com/cognitoauth/cognito-auth-go/grpcauth => ../grpcauth

replace github.com/cognitoauth/cognito-auth-go/connectauth => ../connectauth
