package core

import (
	"context"
	"strconv"
	"time"
)

// Step-up: a sensitive route asks for a recent sign-in. A Cognito access
// token says when the user authenticated (auth_time, kept through
// refreshes); RequireRecentSignIn refuses an older sign-in with its own
// code, 401 sign_in_too_old, and a WWW-Authenticate challenge of RFC 9470
// (error="insufficient_user_authentication", max_age), so an API client
// knows to sign the user in again. In hosted-UI mode a browser is sent to
// a fresh sign-in (FreshLoginRedirector) and back to the same page.

// RequireRecentSignIn allows users who signed in within d (their access
// token's auth_time), for routes such as "delete the project". A user
// whose sign-in is older, or whose token has no auth_time, is refused 401
// sign_in_too_old: sign in again. Cognito's access tokens say nothing of
// how the user signed in (MFA or not): require MFA in the user pool for
// the users who reach such routes.
func RequireRecentSignIn(d time.Duration) Rule { return recentSignIn{within: d} }

type recentSignIn struct{ within time.Duration }

// Allows reports whether u signed in within the rule's duration.
func (r recentSignIn) Allows(_ context.Context, u *User) bool {
	return !u.AuthTime.IsZero() && time.Since(u.AuthTime) <= r.within
}

// refusal is the error a request refused by r gets.
func (r recentSignIn) refusal(u *User) *Error {
	detail := "the route needs a sign-in within " + r.within.String()
	if u.AuthTime.IsZero() {
		detail += "; the access token has no auth_time"
	} else {
		detail += "; the user signed in " + time.Since(u.AuthTime).Round(time.Second).String() + " ago"
	}
	e := newError(ErrExpiredToken, CodeSignInTooOld, detail)
	e.maxAge = r.within
	return e.forUser(u)
}

// freshSignInAdmits reports whether a fresh sign-in alone would let u
// pass r, which refuses u now, and names the RequireRecentSignIn to meet
// (the shortest, when several would do): r is one, an AllOf whose refusing
// rules all are such (the route's rule list is one AllOf), or an AnyOf
// with one such rule. A rule nested in AllOf or AnyOf gets its own refusal
// as a top-level one does.
func freshSignInAdmits(ctx context.Context, r Rule, u *User) (recentSignIn, bool) {
	switch r := r.(type) {
	case recentSignIn:
		return r, !r.Allows(ctx, u)
	case allOf:
		var need recentSignIn
		found := false
		for _, c := range r {
			if c.Allows(ctx, u) {
				continue
			}
			s, ok := freshSignInAdmits(ctx, c, u)
			if !ok {
				return recentSignIn{}, false // another rule refuses u too
			}
			if !found || s.within < need.within {
				need, found = s, true
			}
		}
		return need, found
	case anyOf:
		for _, c := range r {
			if s, ok := freshSignInAdmits(ctx, c, u); ok {
				return s, true
			}
		}
	}
	return recentSignIn{}, false
}

// FreshLoginRedirector is implemented by sources that can make the user
// sign in again even with a live sign-in at the identity provider (the
// hosted UI signs out of Cognito first): a browser refused with
// sign_in_too_old is sent there and returns to returnPath.
type FreshLoginRedirector interface {
	FreshLoginURL(returnPath string) string
}

// stepUpChallenge is the WWW-Authenticate value for a refusal with
// sign_in_too_old (RFC 9470 §3).
func stepUpChallenge(e *Error) string {
	v := `Bearer realm="cognito-auth", error="insufficient_user_authentication", error_description="a more recent sign-in is required"`
	if e.maxAge > 0 {
		v += `, max_age=` + strconv.Itoa(int(e.maxAge/time.Second))
	}
	return v
}
