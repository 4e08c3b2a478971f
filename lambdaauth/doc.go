// Package lambdaauth protects AWS Lambda functions that are targets of an
// Application Load Balancer with Cognito authentication (the Python
// package's LambdaAuth).
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
