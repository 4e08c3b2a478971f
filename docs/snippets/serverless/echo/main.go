// Command app: an echo (v4) app on AWS Lambda behind API Gateway, protected
// by echoauth with the Cognito hosted-UI login; COGNITO_AUTH_APP_URL is the
// stage URL (https://ID.execute-api.REGION.amazonaws.com/Prod).
package main

import (
	"log"
	"net/http"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/labstack/echo/v4"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
	"github.com/cognitoauth/cognito-auth-go/echoauth"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth"
)

func main() {
	v, err := core.NewVerifier()
	if err != nil {
		log.Fatal(err)
	}
	ui, err := hostedui.New(v)
	if err != nil {
		log.Fatal(err)
	}
	auth, err := echoauth.New(echoauth.WithCoreOptions(core.WithVerifier(v), core.WithSources(ui)))
	if err != nil {
		log.Fatal(err)
	}
	e := echo.New()
	e.Use(auth.ProtectApp())
	echoauth.MountHostedUI(e, ui)
	e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, "hello "+echoauth.User(c).Email) })

	lambda.Start(lambdaauth.Proxy(e))
}
