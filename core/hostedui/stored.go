package hostedui

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// How app instances sharing a Store renew one session: the first takes a
// lease (written with Swap) for leaseTTL, longer than a token request may
// take; the others re-read the session every leasePoll until the renewed
// tokens are there, for at most leaseWait, and never spend the refresh
// token themselves.
const (
	leaseTTL    = 15 * time.Second
	leasePoll   = 100 * time.Millisecond
	leaseWait   = 12 * time.Second
	commitTries = 4
)

// loaded is a session as read: the session, and for a Store session the
// sealed bytes as stored (the "old" of the next Swap).
type loaded struct {
	s   session
	raw []byte
}

// sealStored seals s for the Store, bound to its id.
func (h *HostedUI) sealStored(s *session) ([]byte, error) {
	plain, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return []byte(h.seal.seal("session:"+s.ID, plain)), nil
}

// ttl is how long the Store keeps s: until its absolute expiry.
func (h *HostedUI) ttl(s *session) time.Duration { return time.Unix(s.Expires, 0).Sub(h.cfg.now()) }

// getStored reads and opens session id from the Store.
func (h *HostedUI) getStored(ctx context.Context, id string) (*loaded, error) {
	data, err := h.cfg.store.Get(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, core.NewError(core.ErrExpiredToken, CodeSessionExpired, "the session was signed out or has expired")
	case err != nil:
		return nil, storeError("reading the session", err)
	}
	var s session
	if err := h.openSealed("session:"+id, string(data), &s); err != nil || s.ID != id {
		return nil, errSeal
	}
	return &loaded{s: s, raw: data}, nil
}

func storeError(what string, err error) error {
	return core.NewError(core.ErrUnavailable, CodeSessionStore, what+": "+err.Error())
}

// touch records that the session was seen (the idle timeout). In a Store
// it is a Swap: if another request or instance wrote the session since it
// was read, its write is newer and wins. A failure costs only the idle
// clock, so it is logged, not refused.
func (h *HostedUI) touch(ctx context.Context, w core.CookieWriter, req core.Request, raw []byte, s *session) {
	if h.cfg.store == nil {
		if w != nil {
			_ = h.writeSealed(w, req, h.sessionCookie(), s, h.maxAge(s))
		}
		return
	}
	data, err := h.sealStored(s)
	if err == nil {
		err = h.cfg.store.Swap(ctx, s.ID, raw, data, h.ttl(s))
	}
	if err != nil && !errors.Is(err, ErrConflict) && !errors.Is(err, ErrNotFound) {
		h.v.Logger().Warn("cognito-auth: recording session activity in the session store failed", "error", err.Error())
	}
}

// renewStored renews a Store session's tokens once across every app
// instance sharing the Store: it takes the session's lease, or waits for
// the instance holding it and uses the tokens that instance renewed.
func (h *HostedUI) renewStored(ctx context.Context, l *loaded) renewal {
	leased, renewed, err := h.lease(ctx, l)
	switch {
	case err != nil:
		return renewal{err: err}
	case renewed != nil:
		return renewal{s: &renewed.s} // another instance renewed it; the caller verifies it
	}
	tok, err := h.exchangeRefresh(ctx, leased.s.Refresh)
	if errors.Is(err, core.ErrExpiredToken) {
		// Cognito refused the refresh token: the session is over everywhere.
		h.deleteStored(ctx, leased.s.ID, "refresh token refused")
		return renewal{err: err}
	}
	if err != nil {
		h.release(ctx, leased)
		return renewal{err: err}
	}
	ns := renewedSession(&leased.s, tok, h.cfg.now())
	if err := h.commit(ctx, leased, ns); err != nil {
		return renewal{err: err}
	}
	return h.checkRenewed(ctx, ns, nil)
}

// lease takes the session's renewal lease with a Swap. If another instance
// holds a live lease it waits for that instance's renewed tokens (renewed),
// re-reading the session; a session renewed meanwhile is returned the same
// way. It gives up, unavailable, after leaseWait.
func (h *HostedUI) lease(ctx context.Context, l *loaded) (leased, renewed *loaded, err error) {
	cur := l
	deadline := time.Now().Add(leaseWait)
	for {
		now := h.cfg.now()
		if !needsRefresh(&cur.s, now) {
			return nil, cur, nil
		}
		if cur.s.Lease > now.UnixMilli() && cur.s.LeaseBy != h.instance {
			if time.Now().After(deadline) {
				return nil, nil, core.NewError(core.ErrUnavailable, CodeSessionStore, "another app instance is renewing this session and has not finished")
			}
			time.Sleep(leasePoll)
			if cur, err = h.getStored(ctx, cur.s.ID); err != nil {
				return nil, nil, err
			}
			continue
		}
		next := cur.s
		next.Lease, next.LeaseBy = now.Add(leaseTTL).UnixMilli(), h.instance
		data, err := h.sealStored(&next)
		if err != nil {
			return nil, nil, storeError("sealing the session", err)
		}
		switch err := h.cfg.store.Swap(ctx, next.ID, cur.raw, data, h.ttl(&next)); {
		case err == nil:
			return &loaded{s: next, raw: data}, nil, nil
		case errors.Is(err, ErrConflict):
			if cur, err = h.getStored(ctx, cur.s.ID); err != nil {
				return nil, nil, err
			}
		case errors.Is(err, ErrNotFound):
			return nil, nil, core.NewError(core.ErrExpiredToken, CodeSessionExpired, "the session was signed out or has expired")
		default:
			return nil, nil, storeError("taking the session's renewal lease", err)
		}
	}
}

// commit writes renewed tokens over the leased session. Another request may
// have recorded activity meanwhile (a Swap conflict while the lease is still
// this instance's): the tokens are written over its version. Store errors
// are retried a few times: with rotation, Cognito has already spent the old
// refresh token, so the new one must reach the Store.
func (h *HostedUI) commit(ctx context.Context, leased *loaded, ns *session) error {
	cur := leased
	var err error
	for try := range commitTries {
		if try > 0 {
			time.Sleep(time.Duration(try) * 50 * time.Millisecond)
		}
		var data []byte
		if data, err = h.sealStored(ns); err != nil {
			break
		}
		err = h.cfg.store.Swap(ctx, ns.ID, cur.raw, data, h.ttl(ns))
		switch {
		case err == nil:
			return nil
		case errors.Is(err, ErrNotFound):
			return core.NewError(core.ErrExpiredToken, CodeSessionExpired, "the session was signed out while it was renewed")
		case errors.Is(err, ErrConflict):
			latest, gerr := h.getStored(ctx, ns.ID)
			if gerr != nil {
				err = gerr
				continue
			}
			if latest.s.LeaseBy != h.instance || latest.s.Lease != leased.s.Lease {
				return core.NewError(core.ErrUnavailable, CodeSessionStore, "another app instance took over the session's renewal")
			}
			cur = latest
		}
	}
	h.v.Logger().Error("cognito-auth: the renewed tokens could not be saved in the session store; the user will have to sign in again if Cognito rotated the refresh token",
		"error", err.Error())
	return storeError("saving the renewed session", err)
}

// release gives the lease back after a failed renewal, so the next request
// (on any instance) may try again at once; if it fails the lease expires.
func (h *HostedUI) release(ctx context.Context, leased *loaded) {
	next := leased.s
	next.Lease, next.LeaseBy = 0, ""
	if data, err := h.sealStored(&next); err == nil {
		_ = h.cfg.store.Swap(ctx, next.ID, leased.raw, data, h.ttl(&next))
	}
}
