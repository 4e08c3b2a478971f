// Package secretspolicy loads the cognito-auth authorisation policy from AWS
// Secrets Manager (COGNITO_AUTH_SECRET_NAME), through aws-sdk-go-v2.
//
// It is a separate module so that applications which keep their policy in
// code or in a file never compile the AWS SDK:
//
//	src, err := secretspolicy.FromEnv(ctx) // COGNITO_AUTH_SECRET_NAME, default AWS config
//	if err != nil { … }
//	auth, err := core.New(core.WithPolicySource(src))
//
// The secret's SecretString is a policy document (see core.Policy). The
// BaseAuth re-reads it every five minutes (COGNITO_AUTH_POLICY_RELOAD_INTERVAL)
// and on demand (auth.PolicyWatcher().Reload); a failed read keeps the last
// good policy, and a policy that never loaded refuses everyone.
package secretspolicy
