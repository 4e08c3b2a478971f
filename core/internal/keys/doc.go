// Package keys fetches and caches the public keys that core verifies tokens
// with: the ALB's per-kid PEM keys and the Cognito user pool's JWKS.
//
// Every fetch has a timeout and a body-size cap, identical concurrent fetches
// are collapsed into one (singleflight), and the rate at which unknown key
// ids can cause outbound requests is bounded, so a flood of forged tokens
// cannot turn into a flood of fetches.
package keys
