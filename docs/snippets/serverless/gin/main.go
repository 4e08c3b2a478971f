// Command app: a gin app on AWS Lambda behind API Gateway (REST API or HTTP
// API), protected by ginauth with the Cognito hosted-UI login. Environment as
// for any hosted-UI app, with COGNITO_AUTH_APP_URL set to the stage URL
// (https://ID.execute-api.REGION.amazonaws.com/Prod).
package main

import (
	"log"
	"net/http"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/gin-gonic/gin"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
	"github.com/cognitoauth/cognito-auth-go/ginauth"
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
	auth, err := ginauth.New(ginauth.WithCoreOptions(core.WithVerifier(v), core.WithSources(ui)))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.Use(auth.ProtectApp())
	ginauth.MountHostedUI(r, ui) // at /login/cognito…: API Gateway strips the stage
	r.GET("/", func(c *gin.Context) { c.String(http.StatusOK, "hello "+ginauth.User(c).Email) })

	lambda.Start(lambdaauth.Proxy(r)) // REST API (1.0), HTTP API (2.0) or ALB events
}
