module github.com/cognitoauth/cognito-auth-go/lambdaauth

go 1.25.0

require github.com/cognitoauth/cognito-auth-go/core v0.1.0

require (
	github.com/stretchr/testify v1.12.1 // indirect
	golang.org/x/oauth2 v0.36.0 // indirect
)

require (
	github.com/aws/aws-lambda-go v1.54.0
	github.com/valyala/fastjson v1.6.10 // indirect
	golang.org/x/sync v0.22.0 // indirect
)

replace github.com/cognitoauth/cognito-auth-go/core => ../core
