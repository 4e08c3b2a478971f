module github.com/cognitoauth/cognito-auth-go/tools

go 1.25.0

require (
	github.com/chromedp/cdproto v0.159.0
	github.com/chromedp/chromedp v0.22.1
	golang.org/x/mod v0.40.0
	golang.org/x/net v0.57.0
)

require github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
