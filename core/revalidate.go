package core

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/cognitoauth/cognito-auth-go/core/internal/tokencache"
)

// Revocation. A Cognito access token verifies offline until it expires,
// even after the user was signed out everywhere (GlobalSignOut,
// AdminUserGlobalSignOut), disabled, or their refresh token revoked. With
// COGNITO_AUTH_REVALIDATE_EVERY (WithRevalidation) a verified user's access
// token is trusted for that long after it was issued or last checked, then
// checked again with the user pool's userInfo endpoint
// (https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html:
// a token that is "expired, revoked, malformed, or invalid" gets 401
// invalid_token) before it is trusted again. One check per token per
// interval per process, however many requests share the token: concurrent
// requests wait for the one check in flight (single-flight).

// revalidator re-checks verified access tokens with userInfo.
type revalidator struct {
	every, grace time.Duration
	timeout      time.Duration // of one userInfo call
	userInfoURL  string
	client       *http.Client
	now          func() time.Time
	flight       singleflight.Group
	states       *tokencache.Cache[revalState]
}

// revalState is what the last check of one token found.
type revalState struct {
	checked time.Time // when userInfo last accepted it
	revoked bool
}

// revalResult is the outcome of one userInfo call.
type revalResult int

const (
	revalOK revalResult = iota
	revalRevoked
	revalFailed // userInfo could not answer: an outage, not a verdict
)

func newRevalidator(c *verifierConfig) *revalidator {
	if c.revalidateEvery <= 0 {
		return nil
	}
	return &revalidator{
		every: c.revalidateEvery, grace: c.revalidateGrace, timeout: c.fetchTimeout, userInfoURL: c.userInfoURL,
		client: c.httpClient, now: c.now,
		states: tokencache.New[revalState](max(1, c.cacheEntries/4), max(1, c.cacheBytes/4)),
	}
}

// check decides whether u, verified from the access token tok, may be
// trusted now. Machine principals are not checked: userInfo answers for
// users only.
func (r *revalidator) check(ctx context.Context, tok string, u *User, st steps) *Error {
	if r == nil || u.Machine {
		return nil
	}
	if !slices.Contains(u.Scopes, "openid") {
		return st.fail(tokAccess, "revocation check", "no openid scope", newError(ErrInvalidToken, CodeNotRevalidatable,
			"access token has no openid scope, so userInfo cannot tell whether it was revoked (request the openid scope, or unset "+EnvRevalidateEvery+")"))
	}
	key := tokencache.Key{B: tok, C: "revalidate"}
	now := r.now()
	last := u.issuedAt // Cognito vouched for it when it issued it
	if s, ok := r.states.Get(&key, now); ok {
		if s.revoked {
			return st.fail(tokAccess, "revocation check", "revoked (remembered)", revokedError())
		}
		last = s.checked
	}
	if now.Sub(last) < r.every {
		if st.on() { // explain only: no text is built for a request
			st.pass(tokAccess, "revocation check", fmt.Sprintf("checked %v ago, every %v", now.Sub(last).Round(time.Second), r.every))
		}
		return nil
	}
	sum := sha256.Sum256([]byte(tok))
	v, _, _ := r.flight.Do(string(sum[:]), func() (any, error) {
		// A check that finished while this one waited to start counts.
		if s, ok := r.states.Get(&key, r.now()); ok && (s.revoked || r.now().Sub(s.checked) < r.every) {
			if s.revoked {
				return revalRevoked, nil
			}
			return revalOK, nil
		}
		res := r.ask(ctx, tok, u.Sub)
		exp := u.ExpiresAt
		switch res {
		case revalOK:
			r.states.Put(&key, revalState{checked: r.now()}, exp)
		case revalRevoked:
			r.states.Put(&key, revalState{revoked: true}, exp)
		}
		return res, nil
	})
	switch v.(revalResult) {
	case revalOK:
		st.pass(tokAccess, "revocation check", "userInfo accepted it")
		return nil
	case revalRevoked:
		return st.fail(tokAccess, "revocation check", "userInfo: invalid_token", revokedError())
	}
	if r.grace > 0 && now.Sub(last) < r.every+r.grace {
		st.pass(tokAccess, "revocation check", "userInfo unreachable; last good answer within "+EnvRevalidateGrace)
		return nil
	}
	return st.fail(tokAccess, "revocation check", "userInfo unreachable", newError(ErrUnavailable, CodeRevalidationUnavailable,
		"the user pool's userInfo endpoint could not be asked whether the access token was revoked (retry; "+EnvRevalidateGrace+" keeps the last good answer for a while)"))
}

func revokedError() *Error {
	return newError(ErrInvalidToken, CodeTokenRevoked, "access token was revoked: the user signed out everywhere, was disabled, or their sign-in was revoked")
}

// ask calls userInfo with tok. 200 naming the token's sub: valid; 401
// (invalid_token: "expired, revoked, malformed, or invalid"; the token
// verified offline, so revoked): revoked; anything else (5xx, 429, a
// timeout, a 200 for someone else): it could not tell.
func (r *revalidator) ask(ctx context.Context, tok, sub string) revalResult {
	// The check is shared by every request waiting for it: the first
	// request's cancellation must not fail the others.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.userInfoURL, nil)
	if err != nil {
		return revalFailed
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return revalFailed
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return revalRevoked
	case resp.StatusCode != http.StatusOK || err != nil:
		return revalFailed
	}
	var got struct {
		Sub string `json:"sub"`
	}
	if json.Unmarshal(body, &got) != nil || got.Sub != sub {
		return revalFailed
	}
	return revalOK
}
