module github.com/cognitoauth/cognito-auth-go/connectauth

go 1.25.0

require (
	connectrpc.com/connect v1.21.0
	github.com/cognitoauth/cognito-auth-go/core v0.1.0
	golang.org/x/oauth2 v0.36.0
	google.golang.org/protobuf v1.36.11
)

require (
	github.com/valyala/fastjson v1.6.10 // indirect
	golang.org/x/sync v0.22.0 // indirect
)

replace github.com/cognitoauth/cognito-auth-go/core => ../core
