// Package cognitotest is a test kit for applications protected by
// cognito-auth-go. An Issuer holds its own ALB ES256 key and Cognito RSA
// keys, serves the ALB key endpoint and the user pool JWKS from local
// httptest servers, and mints header sets exactly like an AWS Application
// Load Balancer after Cognito login: x-amzn-oidc-data with padded base64url
// segments signed over the padded text, a Cognito RS256 access token, and
// x-amzn-oidc-identity.
//
// Point core at the issuer with Issuer.Options (or Issuer.Env) and the
// application runs its real verification path, signature checks included.
// TokenOptions mint the hostile variants (expired, other signer, other pool,
// tampered, unpadded, …) for negative tests.
package cognitotest
