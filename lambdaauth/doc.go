// Package lambdaauth protects AWS Lambda functions with Cognito
// authentication: targets of an Application Load Balancer (the Python
// package's LambdaAuth, Protect), and functions behind Amazon API Gateway —
// REST API events, payload 1.0 (ProtectREST), and HTTP API events, payload
// 2.0 (ProtectHTTPAPI) — with the hosted-UI login (WithHostedUI) under the
// stage prefix, or the claims of API Gateway's own authorizer when the app
// trusts it (core.WithAPIGatewayAuthorizer). Proxy, ProxyREST, ProxyHTTPAPI
// and ProxyALB run any http.Handler (a gin, echo, chi or net/http app
// protected by its own adapter) on Lambda.
//
//	auth, err := lambdaauth.New(lambdaauth.WithBypass("/health"))
//	if err != nil { log.Fatal(err) }
//	lambda.Start(auth.Protect(handler))
//
// The ALB hands the function an events.ALBTargetGroupRequest. Header names
// arrive lower-cased; with multi-value headers enabled on the target group
// they arrive in MultiValueHeaders, where duplicates are visible and refused
// as in core. (With multi-value headers off the ALB passes only the last
// value of a repeated header, so duplicates cannot be seen: enable them.)
//
// Protect puts the user in the handler's context (lambdaauth.User(ctx),
// core.UserFromContext) and turns refusals into the ALB response core
// decides: a redirect or small page for browsers, JSON 401/403 for APIs,
// with multi-value response headers when the request used them.
package lambdaauth
