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
	// "request", or a stage of the authorisation (StagePolicy,
	// StageRoute).
	Token string
	// Check names the check: "form", "alg", "kid", "signer", "iss", …,
	// a rule ("allowed_groups", "rule #1") or "result".
	Check string
	// Value is what the token carries for this check.
	Value string
	// Want is what a failed comparison compared Value with: the configured
	// values, the clock, or another token's value; WantLabel names it
	// ("configured", "now", "access token sub", "required"), and Hint says
	// how the two differ or what to change. All three are empty on a pass.
	Want, WantLabel, Hint string
	// Rule is, for an authorisation rule, what it requires ("groups any of
	// [admins]"), Has what the user has for it ("user has [staff]") and
	// Matched whether it admits the user.
	Rule, Has string
	Matched   bool
	// Note marks a line that neither passes nor fails the request: a rule's
	// result, the policy's mode, a stage that does not apply.
	Note bool
	// Unix is the time checked, for time checks (HasTime).
	Unix    int64
	HasTime bool
	// Failed is the code of the refusal when the check failed, else "".
	Failed string
}

// The two stages of the authorisation, in order: the app-wide policy, then
// the route's own rules.
const (
	StagePolicy = "stage 1: app policy (every route)"
	StageRoute  = "stage 2: route rules (this route's own; every one must admit)"
)

// Recorder receives the checks of one explained request.
type Recorder interface {
	// Step records a check in the order it ran.
	Step(s Step)
	// Decoded records a token's decoded header and payload JSON (never
	// its signature).
	Decoded(token string, header, payload []byte)
}
