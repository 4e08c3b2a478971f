package core

import (
	"errors"
	"time"
)

// Sentinel errors. Every error returned by Authenticate matches exactly one
// of them with errors.Is; the *Error it wraps carries a stable Code.
var (
	// ErrMissingToken: the request carries no (or only some of the)
	// authentication headers.
	ErrMissingToken = errors.New("cognito-auth: missing token")
	// ErrInvalidToken: a token is malformed, forged, or fails a claim check.
	ErrInvalidToken = errors.New("cognito-auth: invalid token")
	// ErrExpiredToken: a token's exp has passed.
	ErrExpiredToken = errors.New("cognito-auth: token expired")
	// ErrForbidden: the user is authenticated but not allowed in.
	ErrForbidden = errors.New("cognito-auth: forbidden")
	// ErrConfig: the configuration is invalid or incomplete.
	ErrConfig = errors.New("cognito-auth: invalid configuration")
	// ErrUnavailable: verification could not finish because a key server
	// failed; the request is refused (fail closed) and may be retried.
	ErrUnavailable = errors.New("cognito-auth: verification temporarily unavailable")
)

// Code is a stable, machine-readable reason for a rejection. Codes are part
// of the API: they never change meaning. They are safe to log and to count;
// they are not sent to clients (clients see only the coarse category).
type Code string

// Codes returned by Authenticate and New.
const (
	CodeMissingToken            Code = "missing_token"            // no authentication headers at all
	CodeMissingData             Code = "missing_data_token"       // x-amzn-oidc-data absent
	CodeMissingAccess           Code = "missing_access_token"     // x-amzn-oidc-accesstoken absent
	CodeMissingIdentity         Code = "missing_identity"         // x-amzn-oidc-identity absent
	CodeDuplicateHeader         Code = "duplicate_header"         // a header sent more than once
	CodeHeaderTooLarge          Code = "header_too_large"         // a header over its size cap
	CodeMalformedToken          Code = "malformed_token"          // not three base64url segments
	CodeMalformedHeader         Code = "malformed_header"         // JWS header not a JSON object of the right shape
	CodeMalformedClaims         Code = "malformed_claims"         // payload not a JSON object of the right shape
	CodeUnsupportedAlg          Code = "unsupported_alg"          // alg other than ES256 (ALB) / RS256 (access)
	CodeInvalidKid              Code = "invalid_kid"              // kid missing or not of the expected form
	CodeForbiddenParam          Code = "forbidden_header_param"   // jku, x5u, jwk, x5c, crit, b64 (or enc, zip) in a JWS header
	CodeSignerMismatch          Code = "signer_mismatch"          // ALB signer not a configured ARN
	CodeIssuerMismatch          Code = "issuer_mismatch"          // iss not the configured pool
	CodeClientMismatch          Code = "client_mismatch"          // client / client_id not configured
	CodeTokenUse                Code = "invalid_token_use"        // token_use not "access"
	CodeInvalidSignature        Code = "invalid_signature"        // signature does not verify
	CodeUnknownKid              Code = "unknown_kid"              // no key with that kid, or its fetch refused by the unknown-kid rate limits
	CodeInvalidKey              Code = "invalid_key"              // key server sent a key of the wrong type (the token is refused, 401)
	CodeKeyUnavailable          Code = "key_unavailable"          // key server unreachable, slow or broken
	CodeMissingExp              Code = "missing_exp"              // exp absent
	CodeInvalidExp              Code = "invalid_exp"              // exp not a JSON number
	CodeInvalidIat              Code = "invalid_iat"              // iat not a JSON number
	CodeTokenExpired            Code = "token_expired"            // exp in the past
	CodeIssuedInFuture          Code = "iat_in_future"            // iat later than now + leeway
	CodeInvalidNbf              Code = "invalid_nbf"              // nbf not a JSON number
	CodeNotYetValid             Code = "token_not_yet_valid"      // nbf later than now + leeway
	CodeSubMismatch             Code = "sub_mismatch"             // sub differs between the tokens and identity
	CodeMissingSub              Code = "missing_sub"              // no sub claim
	CodeInvalidGroups           Code = "invalid_groups"           // cognito:groups not an array of strings
	CodeEmailUnverified         Code = "email_unverified"         // email present but not verified
	CodeForbidden               Code = "forbidden"                // authorisation rules refused the user
	CodePolicyNotLoaded         Code = "policy_not_loaded"        // the authorisation policy has never loaded
	CodeRouteForbidden          Code = "route_forbidden"          // a per-route rule refused the user
	CodeCrossOrigin             Code = "cross_origin"             // a WebSocket upgrade from an origin that is not allowed (cross-site WebSocket hijacking)
	CodeMachineForbidden        Code = "machine_not_allowed"      // a machine client on a route with no rule that admits it (see COGNITO_AUTH_MACHINE_ACCESS)
	CodeTokenRevoked            Code = "token_revoked"            // userInfo refused the access token: signed out everywhere, disabled, or revoked (COGNITO_AUTH_REVALIDATE_EVERY)
	CodeRevalidationUnavailable Code = "revalidation_unavailable" // userInfo could not be asked whether the token was revoked (retry)
	CodeNotRevalidatable        Code = "token_not_revalidatable"  // revocation checks are on and the access token has no openid scope, which userInfo needs
	CodeSignInTooOld            Code = "sign_in_too_old"          // a route needs a sign-in more recent than the user's (RequireRecentSignIn): sign in again
	CodeNotConfigured           Code = "not_configured"           // headers sent, but verification is not configured
	CodeAudienceMismatch        Code = "audience_mismatch"        // ID token aud is not a configured client
	CodeNonceMismatch           Code = "nonce_mismatch"           // ID token nonce differs from the login request's
	CodeBadAuthorization        Code = "invalid_authorization"    // Authorization is not exactly one "Bearer <token>"
	CodeInvalidConfig           Code = "invalid_config"           // returned by New
)

// Error is the error type returned by this package. It matches its sentinel
// (ErrInvalidToken, …) and any *Error with the same Code under errors.Is.
// Its message never contains token contents.
type Error struct {
	// Code is the stable reason.
	Code Code
	kind error
	// detail is operator-facing text for logs; never token contents.
	detail string
	// maxAge is, for sign_in_too_old, how recent a sign-in the route needs.
	maxAge time.Duration
	// who names the verified user a refusal of a known user (a 403,
	// sign_in_too_old) was for, for the refusal page: email, else
	// username; never token contents.
	who string
}

// forUser records on e who it refused (see who) and returns e.
func (e *Error) forUser(u *User) *Error {
	if u != nil && !u.Machine {
		e.who = u.Email
		if e.who == "" {
			e.who = u.Username
		}
	}
	return e
}

func newError(kind error, code Code, detail string) *Error {
	return &Error{Code: code, kind: kind, detail: detail}
}

// NewError returns an *Error of kind (one of the sentinels) with a stable
// code and operator-facing detail (never token contents). For packages that
// extend core, such as hostedui.
func NewError(kind error, code Code, detail string) *Error { return newError(kind, code, detail) }

// Error implements error.
func (e *Error) Error() string {
	if e.detail == "" {
		return e.kind.Error() + " (" + string(e.Code) + ")"
	}
	return e.kind.Error() + " (" + string(e.Code) + "): " + e.detail
}

// Unwrap returns the sentinel the error belongs to.
func (e *Error) Unwrap() error { return e.kind }

// Is reports whether target is an *Error with the same Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// CodeOf returns the Code of the first *Error in err's chain, or "".
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// errInvalidKey matches a refusal because a key server served a key of the
// wrong type: the token is invalid, but the key server needs a look.
var errInvalidKey = &Error{Code: CodeInvalidKey}
