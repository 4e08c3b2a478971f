package secretspolicy_test

import (
	"context"
	"log"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/secretspolicy"
)

// Load the policy from the secret named by COGNITO_AUTH_SECRET_NAME, with
// the default AWS configuration, and keep it fresh.
func ExampleFromEnv() {
	ctx := context.Background()
	src, err := secretspolicy.FromEnv(ctx)
	if err != nil {
		log.Fatal(err)
	}
	auth, err := core.New(core.WithPolicySource(src))
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
}
