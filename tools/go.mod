module github.com/cognitoauth/cognito-auth-go/tools

go 1.25.0

require (
	golang.org/x/mod v0.40.0
	golang.org/x/net v0.57.0
)
