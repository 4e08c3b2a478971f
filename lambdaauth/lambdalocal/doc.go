// Package lambdalocal runs Lambda functions locally the way AWS runs them,
// for tests and development: Runtime is the Lambda Runtime API a function
// process (built with aws-lambda-go) polls for events, and Gateway is an
// API Gateway stand-in that turns HTTP requests into REST API (payload 1.0)
// or HTTP API (payload 2.0) events under a stage ("/Prod/…") and the
// function's answers back into HTTP responses, optionally playing the
// Cognito authorizer. The command lambdaauth/cmd/apigateway-local puts the
// two in front of a function process.
//
// It is a stand-in, not an emulator: it does what the browser walk of a
// hosted-UI login needs (stages, cookies, multi-value headers, base64
// bodies, authorizer claims), not API Gateway's mapping templates, usage
// plans or throttling.
package lambdalocal
