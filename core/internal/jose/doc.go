// Package jose holds the strict compact-JWS handling used by core: splitting
// a token into its three segments, decoding them under tight alphabet and
// padding rules, and verifying ES256/RS256 signatures over the raw signing
// input exactly as received.
//
// All use of github.com/lestrrat-go/jwx stays inside core/internal so that a
// future major version touches only these packages.
package jose
