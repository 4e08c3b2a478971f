// Command app: a chi app on AWS Lambda behind API Gateway, protected by
// nethttpauth with the Cognito hosted-UI login; COGNITO_AUTH_APP_URL is the
// stage URL (https://ID.execute-api.REGION.amazonaws.com/Prod).
package main

import (
	"encoding/json"
	"log"
	"net/http"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/go-chi/chi/v5"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth"
	"github.com/cognitoauth/cognito-auth-go/nethttpauth"
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
	auth, err := nethttpauth.New(nethttpauth.WithCoreOptions(core.WithVerifier(v), core.WithSources(ui)))
	if err != nil {
		log.Fatal(err)
	}
	r := chi.NewRouter()
	r.Use(auth.ProtectApp)
	for _, rt := range ui.Routes() {
		r.Method(rt.Method, rt.Path, ui.Handler())
	}
	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"hello": nethttpauth.User(r).Email})
	})

	lambda.Start(lambdaauth.Proxy(r))
}
