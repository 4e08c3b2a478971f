module github.com/cognitoauth/cognito-auth-go/echov5auth

go 1.25.0

require (
	github.com/cognitoauth/cognito-auth-go/core v0.1.0
	github.com/labstack/echo/v5 v5.4.4
)

require (
	github.com/valyala/fastjson v1.6.10 // indirect
	golang.org/x/oauth2 v0.36.0 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/time v0.15.0 // indirect
)

replace github.com/cognitoauth/cognito-auth-go/core => ../core
