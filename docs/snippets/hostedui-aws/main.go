// Command app: a net/http app without an ALB that runs the Cognito hosted-UI
// login itself, with the three AWS-side modules: sessions in Redis
// (redisstore), the app client secret fetched from Cognito at start-up
// (awscognito) and the authorisation policy in AWS Secrets Manager
// (secretspolicy, COGNITO_AUTH_SECRET_NAME). Configure it with the
// COGNITO_AUTH_* environment (COGNITO_AUTH_DOMAIN, COGNITO_AUTH_APP_URL,
// COGNITO_AUTH_SESSION_SECRET, ...) and the default AWS configuration.
package main

import (
	"context"
	"encoding/json"
	"log"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cognitoauth/cognito-auth-go/awscognito"
	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
	"github.com/cognitoauth/cognito-auth-go/nethttpauth"
	"github.com/cognitoauth/cognito-auth-go/redisstore"
	"github.com/cognitoauth/cognito-auth-go/secretspolicy"
)

func main() {
	ctx := context.Background()
	policy, err := secretspolicy.FromEnv(ctx) // the secret named by COGNITO_AUTH_SECRET_NAME, re-read every 5 minutes
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := core.NewVerifier() // COGNITO_AUTH_USER_POOL_ID, COGNITO_AUTH_CLIENT_ID, …
	if err != nil {
		log.Fatal(err)
	}
	secret, err := awscognito.FromEnv(ctx) // DescribeUserPoolClient on COGNITO_AUTH_USER_POOL_ID / COGNITO_AUTH_CLIENT_ID
	if err != nil {
		log.Fatal(err)
	}
	sessions := redisstore.New(redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"}))
	ui, err := hostedui.New(verifier, hostedui.WithClientSecretFunc(secret), hostedui.WithStore(sessions))
	if err != nil {
		log.Fatal(err)
	}
	// The hosted-UI session is a credential source of the guard.
	auth, err := nethttpauth.New(nethttpauth.WithCoreOptions(
		core.WithVerifier(verifier), core.WithSources(ui), core.WithPolicySource(policy)))
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	ui.Mount(mux) // /login/cognito, /login/cognito/authorized, /logout/cognito
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"email": nethttpauth.User(r).Email})
	})
	srv := &http.Server{Addr: ":8080", Handler: auth.ProtectApp(mux), ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
