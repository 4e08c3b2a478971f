// Package jose holds the strict compact-JWS handling used by core: splitting
// a token into its three segments, decoding them under tight alphabet and
// padding rules, and verifying ES256/RS256 signatures over the raw signing
// input exactly as received.
//
// Signatures and keys use only the standard library (crypto/ecdsa,
// crypto/rsa, crypto/x509): stable, documented APIs. No JOSE library does the
// strict parsing (padding, repeated keys, UTF-8), so it is our own.
package jose
