package trace

// A Recorder is only ever given to a BaseAuth built for one explanation
// (core.WithObserver with a value that also implements Recorder); outside
// this module nobody can implement it, so the normal path pays one nil
// check and records nothing.

// Step is one check core ran, in order. It never holds a signature or a
// whole token: Value is the checked value (an alg, a kid, an issuer, a
// client id, a claim), never a secret.
type Step struct {
	// Token names what was checked: "x-amzn-oidc-data", "access token",
	// "request", "policy", "route rule".
	Token string
	// Check names the check: "form", "alg", "kid", "signer", "iss", …
	Check string
	// Value is what the token carries for this check.
	Value string
	// Unix is the time checked, for time checks (HasTime).
	Unix    int64
	HasTime bool
	// Failed is the code of the refusal when the check failed, else "".
	Failed string
}

// Recorder receives the checks of one explained request.
type Recorder interface {
	// Step records a check in the order it ran.
	Step(s Step)
	// Decoded records a token's decoded header and payload JSON (never
	// its signature).
	Decoded(token string, header, payload []byte)
}
