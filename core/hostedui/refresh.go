package hostedui

import (
	"context"
	"errors"
	"maps"
	"time"

	"golang.org/x/oauth2"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/internal/tokencache"
)

// Authenticate implements core.Source: it opens the session cookie (no
// cookie: core.ErrNoCredentials, so the next source is tried), enforces the
// absolute and idle expiry, renews an expiring access token (once per
// session at a time, across app instances when a Store is shared) and
// verifies the access token.
//
// Weather is not a verdict: only Cognito refusing the refresh token
// (invalid_grant) ends a session. A token endpoint that fails or is slow,
// a key server that cannot verify the renewed token and a failing session
// store answer 503 (core.ErrUnavailable) and keep the session; tokens
// Cognito renewed are kept before anything else can fail, because with
// refresh-token rotation the old refresh token is already spent.
func (h *HostedUI) Authenticate(ctx context.Context, req core.Request) (*core.User, error) {
	l, found, err := h.loadSession(ctx, req)
	var ce *core.Error
	switch {
	case !found:
		return nil, core.ErrNoCredentials
	case errors.As(err, &ce):
		return nil, err
	case err != nil || l.s.V != sessionVersion:
		return nil, core.NewError(core.ErrInvalidToken, CodeInvalidSession, "session cookie does not open (tampered, truncated, spliced, or an unknown key)")
	}
	s := l.s
	now := h.cfg.now()
	if now.Unix() >= s.Expires || now.Sub(time.Unix(s.Seen, 0)) > h.cfg.idleTTL {
		return nil, core.NewError(core.ErrExpiredToken, CodeSessionExpired, "session past its absolute or idle lifetime")
	}
	w, canWrite := req.(core.CookieWriter)
	switch {
	case needsRefresh(&s, now):
		ns, err := h.refreshSession(ctx, l)
		if ns != nil {
			s = *ns
			if canWrite && h.cfg.store == nil {
				// The renewed tokens go to the browser on this response,
				// whatever happens next (a 503 included).
				s.Seen = now.Unix()
				_ = h.writeSealed(w, req, h.sessionCookie(), &s, h.maxAge(&s))
			}
		}
		if err != nil {
			return nil, err
		}
	case now.Sub(time.Unix(s.Seen, 0)) > h.cfg.idleTTL/4:
		s.Seen = now.Unix()
		h.touch(ctx, w, req, l.raw, &s)
	}
	u, err := h.user(ctx, &s)
	if core.CodeOf(err) == core.CodeTokenRevoked {
		h.endRevoked(ctx, w, req, &s)
	}
	return u, err
}

// forgetSession ends session s in this process and in the Store: any
// renewal of it is forgotten, so a stale copy of its cookie cannot pick up
// tokens renewed before the end, and the Store's copy is deleted (a
// failure is logged; why says which end it was).
func (h *HostedUI) forgetSession(ctx context.Context, s *session, why string) {
	h.renewed.Put(&tokencache.Key{A: s.ID, C: "renewed"}, s, time.Unix(0, 0))
	h.deleteStored(ctx, s.ID, why)
}

// deleteStored deletes session id from the Store, if there is one.
func (h *HostedUI) deleteStored(ctx context.Context, id, why string) {
	if h.cfg.store == nil {
		return
	}
	if err := h.cfg.store.Delete(ctx, id); err != nil {
		h.v.Logger().Warn("cognito-auth: deleting a session from the session store failed", "session_end", why, "error", err.Error())
	}
}

// endRevoked ends a session whose access token Cognito said was revoked
// (COGNITO_AUTH_REVALIDATE_EVERY): the user was signed out everywhere or
// disabled, so the session is deleted from the Store and its cookie
// cleared; the refresh token was revoked with it.
func (h *HostedUI) endRevoked(ctx context.Context, w core.CookieWriter, req core.Request, s *session) {
	h.forgetSession(ctx, s, "revoked")
	if w != nil {
		h.clearFrom(w, req, h.sessionCookie(), 0)
	}
	h.observe(ctx, SessionEvent{Kind: SessionLogout, Outcome: core.OutcomeUnauthenticated, Code: core.CodeTokenRevoked, Start: time.Now()})
}

// user verifies the session's access token and fills in the identity the
// ID token gave at sign-in.
func (h *HostedUI) user(ctx context.Context, s *session) (*core.User, error) {
	u, err := h.v.VerifyAccessToken(ctx, s.Access)
	if err != nil {
		return nil, err
	}
	if u.Sub != s.Sub {
		return nil, core.NewError(core.ErrInvalidToken, CodeInvalidSession, "access token names another user")
	}
	u.Email, u.EmailVerified, u.Name, u.GivenName, u.FamilyName = s.Email, s.EmailVerified, s.Name, s.GivenName, s.FamilyName
	u.SessionEndsAt = time.Unix(s.Expires, 0)
	if s.Attributes != nil {
		u.Attributes = maps.Clone(s.Attributes) // fetched once at login, copied per request
	}
	return u, nil
}

// needsRefresh reports whether the access token is within its refresh
// margin of expiry.
func needsRefresh(s *session, now time.Time) bool {
	return now.Add(refreshMargin(s)).Unix() >= s.AccessExp
}

// refreshMargin is how long before expiry an access token is refreshed:
// 30 s, or a quarter of its lifetime when that is shorter.
func refreshMargin(s *session) time.Duration {
	return min(30*time.Second, time.Duration(s.AccessExp-s.AccessIat)*time.Second/4)
}

// renewal is what one refresh produced: the session with renewed tokens
// (nil when none were renewed) and why the request cannot go on (nil when it
// can). Both may be set: tokens renewed but not yet verifiable.
type renewal struct {
	s   *session
	err error
}

// refreshSession renews the tokens of the session l holds. Concurrent
// requests of one session share a single refresh; a request that still
// carries a cookie from before another request's refresh reuses it.
func (h *HostedUI) refreshSession(ctx context.Context, l *loaded) (*session, error) {
	s := l.s
	if s.Refresh == "" {
		return nil, core.NewError(core.ErrExpiredToken, CodeSessionExpired, "access token expired and there is no refresh token")
	}
	key := tokencache.Key{A: s.ID, C: "renewed"}
	if h.cfg.store == nil {
		if r, ok := h.renewed.Get(&key, h.cfg.now()); ok {
			if !needsRefresh(r, h.cfg.now()) {
				ns := *r
				return &ns, nil
			}
			s.Refresh = r.Refresh // the newest refresh token this process holds for the session
		}
		if _, dead := h.dead.Get(&tokencache.Key{A: s.Refresh}, h.cfg.now()); dead {
			return nil, errRefreshRefused
		}
	}
	// A refresh that just failed for an outage is not tried again at once:
	// the session's requests get its answer (503) for a short backoff.
	failedKey := tokencache.Key{A: s.ID, C: "refresh failed"}
	if r, ok := h.failing.Get(&failedKey, h.cfg.now()); ok {
		return nil, r.err
	}
	// The refresh is shared by every request of the session waiting for it,
	// so it does not end when the request that started it does.
	rctx := context.WithoutCancel(ctx)
	v, _, _ := h.refresh.Do(s.ID, func() (any, error) { return h.observedRenew(rctx, &loaded{s: s, raw: l.raw}, &key), nil })
	r := v.(renewal)
	if r.s == nil && errors.Is(r.err, core.ErrUnavailable) {
		h.failing.Put(&failedKey, &r, h.cfg.now().Add(refreshRetry))
	}
	if r.s == nil {
		return nil, r.err
	}
	ns := *r.s
	return &ns, r.err
}

// observedRenew is renew, told to the Verifier's observer.
func (h *HostedUI) observedRenew(ctx context.Context, l *loaded, key *tokencache.Key) renewal {
	if len(h.observers) == 0 {
		return h.renew(ctx, l, key)
	}
	start := time.Now()
	r := h.renew(ctx, l, key)
	h.observe(ctx, SessionEvent{Kind: SessionRefresh, Outcome: outcomeOfErr(r.err), Code: core.CodeOf(r.err), Start: start, Duration: time.Since(start)})
	return r
}

// renew exchanges a cookie session's refresh token for new tokens, keeps
// them in this process before verifying them, and verifies them.
func (h *HostedUI) renew(ctx context.Context, l *loaded, key *tokencache.Key) renewal {
	if h.cfg.store != nil {
		return h.renewStored(ctx, l)
	}
	tok, err := h.exchangeRefresh(ctx, l.s.Refresh)
	if errors.Is(err, core.ErrExpiredToken) {
		// Never ask Cognito again with a refresh token it refused.
		h.dead.Put(&tokencache.Key{A: l.s.Refresh}, true, time.Unix(l.s.Expires, 0))
	}
	if err != nil {
		return renewal{err: err}
	}
	ns := renewedSession(&l.s, tok, h.cfg.now())
	h.keepRenewed(key, ns)
	return h.checkRenewed(ctx, ns, key)
}

// keepRenewed remembers a cookie session's renewed tokens in this process,
// for requests that still carry the cookie from before the refresh, until
// the session ends.
func (h *HostedUI) keepRenewed(key *tokencache.Key, s *session) {
	kept := *s
	h.renewed.Put(key, &kept, time.Unix(s.Expires, 0))
}

// checkRenewed verifies renewed tokens. A key server that cannot verify them
// now leaves them in the session (the next request verifies them again); a
// token that does not verify ends nothing but this request.
func (h *HostedUI) checkRenewed(ctx context.Context, ns *session, key *tokencache.Key) renewal {
	u, err := h.v.VerifyAccessToken(ctx, ns.Access)
	switch {
	case errors.Is(err, core.ErrUnavailable):
		return renewal{s: ns, err: err}
	case err != nil || u.Sub != ns.Sub:
		return renewal{err: core.NewError(core.ErrInvalidToken, CodeInvalidSession, "refreshed access token does not verify")}
	}
	ns.AccessExp = u.ExpiresAt.Unix()
	if key != nil {
		h.keepRenewed(key, ns)
	}
	return renewal{s: ns}
}

// renewedSession is s with the tokens of a refresh: the access token, its
// expiry as the token endpoint stated it (verification refines it), and the
// new refresh token when Cognito rotated it.
func renewedSession(s *session, tok *oauth2.Token, now time.Time) *session {
	ns := *s
	exp := tok.Expiry
	if exp.IsZero() {
		exp = now.Add(time.Hour)
	}
	ns.Access, ns.AccessExp, ns.AccessIat, ns.Seen = tok.AccessToken, exp.Unix(), now.Unix(), now.Unix()
	if tok.RefreshToken != "" {
		ns.Refresh = tok.RefreshToken
	}
	ns.Lease, ns.LeaseBy = 0, ""
	return &ns
}

// refreshRetry is how long a session's refresh that failed for an outage is
// not tried again (its requests are answered 503 meanwhile): the token
// endpoint is asked at most about once a second per session while it fails.
const refreshRetry = time.Second

// errRefreshRefused ends a session whose refresh token Cognito refused.
var errRefreshRefused = core.NewError(core.ErrExpiredToken, CodeSessionExpired,
	"the refresh token was refused (invalid_grant): revoked, expired, or already used")

// exchangeRefresh asks the token endpoint for new tokens. Only Cognito's
// invalid_grant (the refresh token is revoked, expired or spent) ends the
// session; any other failure — 5xx, a timeout, a refused connection, an
// answer that is not a token — says nothing about the session and is an
// outage (503). The request runs on its own deadline, not the caller's: it
// is shared by every request of the session waiting for it.
func (h *HostedUI) exchangeRefresh(ctx context.Context, refresh string) (*oauth2.Token, error) {
	tctx := context.WithValue(context.WithoutCancel(ctx), oauth2.HTTPClient, h.cfg.httpClient)
	tok, err := h.oauth.TokenSource(tctx, &oauth2.Token{RefreshToken: refresh}).Token()
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re) && re.ErrorCode == "invalid_grant":
		return nil, errRefreshRefused
	case err != nil:
		h.v.Logger().Warn("cognito-auth: refreshing a hosted-UI session failed; the session is kept and the request answered 503",
			"reason", oauthReason(err))
		return nil, core.NewError(core.ErrUnavailable, CodeRefreshFailed, "the token endpoint failed to renew the session ("+oauthReason(err)+")")
	case tok.AccessToken == "":
		return nil, core.NewError(core.ErrUnavailable, CodeRefreshFailed, "the token endpoint answered without an access token")
	}
	return tok, nil
}
