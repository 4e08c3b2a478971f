// Package core is the framework-agnostic heart of cognito-auth-go.
//
// A BaseAuth, built once per process with New, answers one question for
// every request: who is this request from, and may they come in? Behind an
// AWS Application Load Balancer with Cognito authentication it verifies the
// three headers the ALB adds (x-amzn-oidc-data, x-amzn-oidc-accesstoken and
// x-amzn-oidc-identity) and returns a verified *User.
//
// Framework adapters (ginauth, echoauth, fiberauth, nethttpauth) implement
// the small Request interface over their framework's request type and render
// the Failure that core decides for a rejected request. Applications normally
// use an adapter; core is what they all share.
//
// Configuration comes from the environment (COGNITO_AUTH_* variables) when
// New is given no options; options override the environment. Every problem
// with the configuration is reported together by New as an error matching
// ErrConfig.
package core
