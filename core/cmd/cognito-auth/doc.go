// Command cognito-auth answers "why was this request refused?" without
// guessing.
//
//	cognito-auth explain [flags] [captured-request-file]
//
// explain reads a captured request — raw HTTP request text, the "> " lines
// of curl -v, or plain "Name: value" header lines — from a file or stdin,
// builds the guard from the app's own configuration (the COGNITO_AUTH_*
// environment, or flags that override it), runs the real verification path
// (fetching keys from the configured endpoints) and prints every check in
// order with its verdict, the authorisation policy rule by rule, and what
// the app would answer. Decoded token headers and claims are shown;
// signatures and whole tokens never are.
//
// Exit status: 0 when the app would let the request in, 1 when it would
// refuse it, 2 on a usage or configuration error.
package main
