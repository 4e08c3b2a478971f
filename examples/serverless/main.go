// Command serverless is the Dash blog's deployment done in Go: an app on AWS
// Lambda behind API Gateway (REST API, stage Prod, or an HTTP API), logging
// users in with the Cognito hosted UI. The app is a net/http ServeMux
// protected by nethttpauth; lambdaauth.Proxy turns the API Gateway events
// (payload 1.0 or 2.0) into requests for it.
//
// Configuration is the COGNITO_AUTH_* environment. Two secrets are not put
// in it on AWS: the app client's secret is fetched once per execution
// environment with DescribeUserPoolClient (awscognito), and the session
// secret is read once from the SSM Parameter Store SecureString named by
// SESSION_SECRET_PARAMETER (comma-separated values rotate it). Set
// COGNITO_AUTH_CLIENT_SECRET or COGNITO_AUTH_SESSION_SECRET to skip either
// fetch. See template.yaml and README.md for the deployment.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/cognitoauth/cognito-auth-go/awscognito"
	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
	"github.com/cognitoauth/cognito-auth-go/examples/internal/demo"
	"github.com/cognitoauth/cognito-auth-go/lambdaauth"
	"github.com/cognitoauth/cognito-auth-go/nethttpauth"
)

// EnvSessionSecretParameter names the SSM parameter holding the session
// secret(s).
const EnvSessionSecretParameter = "SESSION_SECRET_PARAMETER"

func main() {
	// Built once per execution environment, before the first event: the
	// secrets are fetched and the keys cached for every later invocation.
	app, err := newApp(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(lambdaauth.Proxy(app))
}

// newApp builds the protected app.
func newApp(ctx context.Context) (http.Handler, error) {
	v, err := core.NewVerifier()
	if err != nil {
		return nil, err
	}
	var uiOpts []hostedui.Option
	if os.Getenv(hostedui.EnvClientSecret) == "" {
		secret, err := awscognito.FromEnv(ctx) // DescribeUserPoolClient, called once by hostedui.New
		if err != nil {
			return nil, err
		}
		uiOpts = append(uiOpts, hostedui.WithClientSecretFunc(secret))
	}
	if os.Getenv(hostedui.EnvSessionSecret) == "" {
		secrets, err := sessionSecrets(ctx, os.Getenv(EnvSessionSecretParameter))
		if err != nil {
			return nil, err
		}
		uiOpts = append(uiOpts, hostedui.WithSessionSecrets(secrets...))
	}
	ui, err := hostedui.New(v, uiOpts...)
	if err != nil {
		return nil, err
	}
	auth, err := nethttpauth.New(nethttpauth.WithBypass("/health"),
		nethttpauth.WithCoreOptions(core.WithVerifier(v), core.WithSources(ui)))
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		u, _ := auth.GetAuthUser(w, r)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(demo.HomePage("serverless", u)) //nolint:gosec // html/template escapes every value
	})
	mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
		u, _ := auth.GetAuthUser(w, r)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(demo.NewMe(u))
	})
	mux.Handle("GET /admin", auth.RequireAuth(core.AllowGroups(demo.AdminGroup))(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write(demo.AdminPage("serverless", nethttpauth.User(r))) //nolint:gosec // html/template escapes every value
		})))
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	ui.Mount(mux) // /login/cognito, /login/cognito/authorized, /logout/cognito (below the stage)
	return auth.ProtectApp(mux), nil
}

// sessionSecrets reads the session secret(s) from an SSM SecureString
// parameter (comma-separated: the first seals, all open).
func sessionSecrets(ctx context.Context, name string) ([]string, error) {
	if name == "" {
		return nil, fmt.Errorf("set %s (the SSM parameter holding the session secret) or %s", EnvSessionSecretParameter, hostedui.EnvSessionSecret)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	out, err := ssm.NewFromConfig(cfg).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		return nil, fmt.Errorf("reading the session secret from SSM parameter %s: %w", name, err)
	}
	if out.Parameter == nil || aws.ToString(out.Parameter.Value) == "" {
		return nil, errors.New("the session secret parameter " + name + " is empty")
	}
	var secrets []string
	for s := range strings.SplitSeq(aws.ToString(out.Parameter.Value), ",") {
		if s = strings.TrimSpace(s); s != "" {
			secrets = append(secrets, s)
		}
	}
	return secrets, nil
}
