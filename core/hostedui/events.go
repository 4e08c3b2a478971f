package hostedui

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// SessionKind says which hosted-UI step a SessionEvent reports.
type SessionKind string

// Hosted-UI steps.
const (
	SessionLogin   SessionKind = "login"   // the callback exchanged a code for tokens
	SessionRefresh SessionKind = "refresh" // an expiring access token was renewed
	SessionLogout  SessionKind = "logout"  // the session was ended
	SessionRevoke  SessionKind = "revoke"  // the refresh token was revoked at sign-out (retried; failure leaves it valid)
)

// SessionEvent is one hosted-UI login, refresh, logout or revocation. It
// never carries tokens or personal data.
type SessionEvent struct {
	Kind SessionKind
	// Outcome is how the step ended (core.OutcomeAllowed when it succeeded).
	Outcome core.Outcome
	// Code is the refusal's stable code when the step failed with one,
	// else "".
	Code core.Code
	// Start and Duration time the step.
	Start    time.Time
	Duration time.Duration
}

// SessionObserver is implemented by the observers given to the Verifier
// (core.WithObserver) that also want the hosted UI's events (the otelauth
// module's does). Its method is called on the request's goroutine: it must
// be fast and safe for concurrent use.
type SessionObserver interface {
	ObserveSession(ctx context.Context, e SessionEvent)
}

// observe tells every session observer about e.
func (h *HostedUI) observe(ctx context.Context, e SessionEvent) {
	for _, o := range h.observers {
		o.ObserveSession(ctx, e)
	}
}

// outcomeOf classifies a hosted-UI route's answer by status: its redirects
// are the successes.
func outcomeOf(status int) core.Outcome {
	switch status {
	case http.StatusSeeOther, http.StatusFound:
		return core.OutcomeAllowed
	case http.StatusServiceUnavailable:
		return core.OutcomeUnavailable
	case http.StatusForbidden:
		return core.OutcomeForbidden
	case http.StatusInternalServerError:
		return core.OutcomeError
	}
	return core.OutcomeUnauthenticated
}

// outcomeOfErr classifies how a step that returns an error ended.
func outcomeOfErr(err error) core.Outcome {
	if err == nil {
		return core.OutcomeAllowed
	}
	if errors.Is(err, core.ErrConfig) {
		return core.OutcomeError
	}
	return outcomeOf(core.StatusOf(err))
}
