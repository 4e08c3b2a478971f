package hostedui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// Revocation at sign-out: tried up to revokeAttempts times, revokeBackoff
// apart and doubling, within revokeTimeout in all. A token Cognito could
// not be told about stays valid until it expires, so the failure is
// reported to observers (SessionRevoke) as well as logged.
const (
	revokeAttempts = 3
	revokeBackoff  = 200 * time.Millisecond
	revokeTimeout  = 5 * time.Second
)

// revoke invalidates a refresh token (and the access tokens issued with it)
// at the revocation endpoint
// (https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html),
// authenticating the client as the token endpoint does. It retries an
// answer that may succeed later (no answer, 5xx, 429).
func (h *HostedUI) revoke(ctx context.Context, refresh string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), revokeTimeout)
	defer cancel()
	start := time.Now()
	var err error
	for try := range revokeAttempts {
		if try > 0 {
			select {
			case <-time.After(revokeBackoff << (try - 1)):
			case <-ctx.Done():
			}
		}
		var again bool
		if again, err = h.revokeOnce(ctx, refresh); err == nil || !again || ctx.Err() != nil {
			break
		}
	}
	outcome, code := core.OutcomeAllowed, core.Code("")
	if err != nil {
		outcome, code = core.OutcomeUnavailable, CodeRefreshFailed
		h.v.Logger().Warn("cognito-auth: revoking the refresh token at sign-out failed; it stays valid until it expires",
			"error", err.Error(), "attempts", revokeAttempts)
	}
	h.observe(ctx, SessionEvent{Kind: SessionRevoke, Outcome: outcome, Code: code, Start: start, Duration: time.Since(start)})
}

// revokeOnce makes one revocation request; again reports a failure worth
// retrying.
func (h *HostedUI) revokeOnce(ctx context.Context, refresh string) (again bool, err error) {
	form := url.Values{"token": {refresh}}
	if h.oauth.ClientSecret == "" {
		form.Set("client_id", h.oauth.ClientID) // a public client names itself in the body
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.cfg.base+"/oauth2/revoke", strings.NewReader(form.Encode()))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if h.oauth.ClientSecret != "" {
		req.SetBasicAuth(url.QueryEscape(h.oauth.ClientID), url.QueryEscape(h.oauth.ClientSecret))
	}
	resp, err := h.cfg.httpClient.Do(req)
	if err != nil {
		return true, fmt.Errorf("no answer from the revocation endpoint: %w", errNoAnswer)
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.CopyN(io.Discard, resp.Body, 4096)
	switch {
	case resp.StatusCode == http.StatusOK:
		return false, nil
	case resp.StatusCode >= 500, resp.StatusCode == http.StatusTooManyRequests:
		return true, fmt.Errorf("the revocation endpoint answered HTTP %s", strconv.Itoa(resp.StatusCode))
	}
	return false, fmt.Errorf("the revocation endpoint refused the request: HTTP %s", strconv.Itoa(resp.StatusCode))
}

// errNoAnswer stands for a transport error, whose text may name addresses.
var errNoAnswer = sealError("connection failed or timed out")
