package cognitotest_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// Mint ALB headers for a user and run them through real verification.
func ExampleIssuer_Mint() {
	iss, err := cognitotest.New()
	if err != nil {
		log.Fatal(err)
	}
	defer iss.Close()
	auth, err := core.New(iss.Options()...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()

	h := iss.Mint(cognitotest.User{Email: "grace@example.com", Groups: []string{"staff"}})
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	h.Apply(r)
	u, err := auth.Authenticate(r.Context(), core.HTTPRequest(r))
	fmt.Println(u.Email, u.Groups, err)
	// Output: grace@example.com [staff] <nil>
}

// TokenOptions mint hostile variants for negative tests.
func ExampleExpired() {
	iss, err := cognitotest.New()
	if err != nil {
		log.Fatal(err)
	}
	defer iss.Close()
	auth, err := core.New(append(iss.Options(), core.WithLogger(quiet))...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()

	for _, opt := range []cognitotest.TokenOption{
		cognitotest.Expired(),
		cognitotest.WithSigner("arn:aws:elasticloadbalancing:eu-west-2:999999999999:loadbalancer/app/other/0123456789abcdef"),
		cognitotest.WithTokenUse("id"),
		cognitotest.Unpadded(),
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		iss.Mint(cognitotest.User{}, opt).Apply(r)
		_, err := auth.Authenticate(r.Context(), core.HTTPRequest(r))
		fmt.Println(core.CodeOf(err))
	}
	// Output:
	// token_expired
	// signer_mismatch
	// invalid_token_use
	// invalid_signature
}

// Env gives the environment variables for running an app against the
// issuer (for example in a subprocess).
func ExampleIssuer_Env() {
	iss, err := cognitotest.New(cognitotest.WithUserPoolID("eu-west-2_Example1"))
	if err != nil {
		log.Fatal(err)
	}
	defer iss.Close()
	env := iss.Env()
	fmt.Println(env[core.EnvUserPoolID], env[core.EnvALBARN] == iss.ALBARN())
	// Output: eu-west-2_Example1 true
}
