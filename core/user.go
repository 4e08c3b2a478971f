package core

import (
	"encoding/json"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"
)

// defaultAdminGroup is the Cognito group that User.IsAdmin checks.
const defaultAdminGroup = "admins"

// User is a verified Cognito user. Every *User handed out by this package is
// a fresh copy: changing it never affects another request.
type User struct {
	// Machine reports a machine principal: an app client that signed in
	// with the client-credentials grant (an allowed machine client,
	// COGNITO_AUTH_MACHINE_CLIENT_IDS). Sub and ClientID are then the
	// client's id and Scopes what it was granted; it has no username,
	// email or groups, and the app-wide user policy does not apply to it.
	Machine bool
	// Sub is the user's stable Cognito subject (a UUID).
	Sub string
	// Username is the Cognito username.
	Username string
	// Email is the user's email address, when the pool has one.
	Email string
	// Name, GivenName and FamilyName are the standard OIDC name claims.
	Name       string
	GivenName  string
	FamilyName string
	// Groups are the Cognito groups from the verified access token.
	Groups []string
	// EmailVerified is true only for a JSON true or the string "true".
	EmailVerified bool
	// ExpiresAt is when the user's session needs renewal: the access
	// token's exp (5 minutes to a day after sign-in, often an hour).
	ExpiresAt time.Time
	// ClaimsExpireAt is when the ALB's x-amzn-oidc-data token expires:
	// about two minutes after the ALB minted it, which it does again at
	// least that often. Zero for users not from ALB headers. A request is
	// refused when either token has expired.
	ClaimsExpireAt time.Time
	// AuthTime is when the user signed in (the access token's auth_time):
	// the time RequireRecentSignIn measures. Zero when the token has none.
	AuthTime time.Time
	// SessionEndsAt is when the hosted-UI session ends (its absolute
	// lifetime); zero for credentials without a session. CredentialEnd is
	// the earlier of it and ExpiresAt.
	SessionEndsAt time.Time
	// UserPoolID is the user pool the tokens came from (one of the
	// configured pools).
	UserPoolID string
	// Issuer is the exact issuer URL the access token was verified against
	// (ORIGINAL or UPDATED format, or a replica region's).
	Issuer string
	// Scopes are the OAuth scopes of the access token ("openid", "email",
	// custom resource-server scopes for machine-to-machine clients).
	Scopes []string
	// ClientID is the app client the access token was issued to.
	ClientID string
	// Attributes are user attributes fetched once at hosted-UI login from
	// /oauth2/userInfo (hostedui.WithUserInfo); nil otherwise.
	Attributes map[string]string

	appAdmin    bool
	mock        bool
	dataClaims  string    // raw JSON payload of x-amzn-oidc-data
	accessClaim string    // raw JSON payload of the access token
	issuedAt    time.Time // the access token's iat: when Cognito last vouched for it
}

// EmailDomain returns the lower-cased part of Email after the last '@', or "".
func (u *User) EmailDomain() string {
	if u == nil {
		return ""
	}
	i := strings.LastIndexByte(u.Email, '@')
	if i < 0 {
		return ""
	}
	return strings.ToLower(u.Email[i+1:])
}

// IsIn reports whether the user is in the Cognito group (exact match).
func (u *User) IsIn(group string) bool {
	return u != nil && slices.Contains(u.Groups, group)
}

// HasScope reports whether the access token granted the scope (exact match).
func (u *User) HasScope(scope string) bool {
	return u != nil && slices.Contains(u.Scopes, scope)
}

// IsAdmin reports whether the user is in the defaultAdminGroup ("admins").
func (u *User) IsAdmin() bool { return u.IsIn(defaultAdminGroup) }

// IsAppAdmin reports whether the authorisation policy made this user an
// application administrator (an admin group or admin user of the policy).
func (u *User) IsAppAdmin() bool { return u != nil && u.appAdmin }

// IsMock reports whether the user is a development mock, not a verified one.
func (u *User) IsMock() bool { return u != nil && u.mock }

// DataClaims returns a fresh copy of every claim in the verified
// x-amzn-oidc-data token (empty for a mock user).
func (u *User) DataClaims() map[string]any {
	return decodeClaims(u, func(u *User) string { return u.dataClaims })
}

// AccessClaims returns a fresh copy of every claim in the verified access
// token (empty for a mock user).
func (u *User) AccessClaims() map[string]any {
	return decodeClaims(u, func(u *User) string { return u.accessClaim })
}

func decodeClaims(u *User, pick func(*User) string) map[string]any {
	out := map[string]any{}
	if u == nil || pick(u) == "" {
		return out
	}
	d := json.NewDecoder(strings.NewReader(pick(u)))
	d.UseNumber()
	_ = d.Decode(&out) // already decoded once during verification
	return out
}

// Clone returns a deep copy of u.
func (u *User) Clone() *User {
	if u == nil {
		return nil
	}
	c := *u
	c.Groups = slices.Clone(u.Groups)
	c.Scopes = slices.Clone(u.Scopes)
	c.Attributes = maps.Clone(u.Attributes)
	return &c
}

// String returns the email, or the username when there is no email.
func (u *User) String() string {
	if u == nil {
		return ""
	}
	if u.Email != "" {
		return u.Email
	}
	return u.Username
}

// LogValue implements slog.LogValuer: identity only, never tokens.
func (u *User) LogValue() slog.Value {
	if u == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(
		slog.String("sub", u.Sub),
		slog.String("email", u.Email),
		slog.Any("groups", u.Groups),
	)
}
