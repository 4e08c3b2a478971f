package core

import (
	"slices"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core/internal/envcheck"
)

// EnvVar is an environment variable of cognito-auth-go: its name and the
// package that owns it (others may read it too: secretspolicy, awscognito,
// lambdaauth and the service adapters read core's).
type EnvVar struct {
	Name  string // COGNITO_AUTH_…
	Owner string // "core", "core/hostedui" or "core/m2m"
}

// KnownEnv lists every COGNITO_AUTH_* variable the packages of
// cognito-auth-go read, sorted by name. New and NewVerifier report any
// other COGNITO_AUTH_* variable of the environment — a typo, most often —
// with the closest known name: a warning on the configured logger, or a
// configuration error with COGNITO_AUTH_STRICT_ENV=true (WithStrictEnv).
// Variables the app itself reads under that prefix are declared with
// WithOwnEnv.
func KnownEnv() []EnvVar {
	out := make([]EnvVar, 0, len(envcheck.Known))
	for _, v := range envcheck.Known {
		out = append(out, EnvVar{Name: v.Name, Owner: v.Owner})
	}
	slices.SortFunc(out, func(a, b EnvVar) int { return strings.Compare(a.Name, b.Name) })
	return out
}
