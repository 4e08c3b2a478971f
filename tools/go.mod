module github.com/cognitoauth/cognito-auth-go/tools

go 1.25.0
