module github.com/cognitoauth/cognito-auth-go/grpcauth

go 1.25.0

require (
	github.com/cognitoauth/cognito-auth-go/core v0.1.0
	golang.org/x/oauth2 v0.36.0
	google.golang.org/grpc v1.84.0
	google.golang.org/protobuf v1.36.11
)

require (
	github.com/valyala/fastjson v1.6.10 // indirect
	golang.org/x/net v0.57.0 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/text v0.40.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260706201446-f0a921348800 // indirect
)

replace github.com/cognitoauth/cognito-auth-go/core => ../core
