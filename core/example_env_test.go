package core_test

import (
	"fmt"
	"maps"
	"slices"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// An environment of one's own is read with WithEnvironment and listed with
// WithEnvironmentNames, so the check of unknown variables sees it: here
// the pool's variable is mistyped, and the error for the missing pool says
// which variable was probably meant.
func ExampleWithEnvironmentNames() {
	env := map[string]string{
		"COGNITO_AUTH_USERPOOL_ID": "eu-west-2_AbCdEf123",
		"COGNITO_AUTH_BEARER":      "true",
	}
	_, err := core.New(
		core.WithEnvironment(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
		core.WithEnvironmentNames(func() []string { return slices.Sorted(maps.Keys(env)) }),
	)
	fmt.Println(err)
	// Output:
	// cognito-auth: invalid configuration (invalid_config): user pool id is required (COGNITO_AUTH_USER_POOL_ID, comma-separated for several pools, e.g. eu-west-2_AbCdEf123); COGNITO_AUTH_USERPOOL_ID is set: did you mean COGNITO_AUTH_USER_POOL_ID?
}

// In strict mode (COGNITO_AUTH_STRICT_ENV=true, or WithStrictEnv) a
// variable no package reads is a configuration error, not a warning.
func ExampleWithStrictEnv() {
	env := map[string]string{
		"COGNITO_AUTH_USER_POOL_ID": "eu-west-2_AbCdEf123",
		"COGNITO_AUTH_BEARER":       "true",
		"COGNITO_AUTH_CLIENTID":     "1example23456789",
		"COGNITO_AUTH_STRICT_ENV":   "true",
	}
	_, err := core.New(
		core.WithEnvironment(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
		core.WithEnvironmentNames(func() []string { return slices.Sorted(maps.Keys(env)) }),
	)
	fmt.Println(err)
	// Output:
	// cognito-auth: invalid configuration (invalid_config): unknown environment variable COGNITO_AUTH_CLIENTID: did you mean COGNITO_AUTH_CLIENT_ID? (unknown COGNITO_AUTH_* variables are errors with COGNITO_AUTH_STRICT_ENV=true or core.WithStrictEnv; declare the app's own with core.WithOwnEnv)
}
