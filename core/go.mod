module github.com/cognitoauth/cognito-auth-go/core

go 1.25.0

require (
	github.com/valyala/fastjson v1.6.10
	golang.org/x/oauth2 v0.36.0
	golang.org/x/sync v0.22.0
)
