package m2m_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/cognitoauth/cognito-auth-go/core/m2m"
)

// countingSource hands out a new hour-long token on every Token call.
type countingSource struct{ calls atomic.Int64 }

func (s *countingSource) Token() (*oauth2.Token, error) {
	n := s.calls.Add(1)
	return &oauth2.Token{AccessToken: fmt.Sprint("token-", n), Expiry: time.Now().Add(time.Hour)}, nil
}

// TestCallToken: a *TokenSource is asked as it is, so a call stops waiting
// for a token when its context ends; any other source is reused until its
// token is about to expire.
func TestCallToken(t *testing.T) {
	s := startStandIn(t, time.Hour)
	ts := s.source(t)
	release := make(chan struct{})
	s.hold.Store(&release)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := m2m.CallToken(ts)(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%v, want the call's deadline while the token request is held", err)
	}
	s.hold.Store(nil)
	close(release)
	want, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := m2m.CallToken(ts)(t.Context()); err != nil || got != want {
		t.Fatalf("%v: not the source's own shared token", err)
	}

	other := &countingSource{}
	call := m2m.CallToken(other)
	for range 5 {
		if tok, err := call(t.Context()); err != nil || tok.AccessToken != "token-1" {
			t.Fatalf("%v %v, want the first token again", tok, err)
		}
	}
	if n := other.calls.Load(); n != 1 {
		t.Fatalf("%d Token calls for 5 calls, want 1 (reused)", n)
	}
}

// TestRefused: a 4xx answer of the token endpoint is a refusal, whichever
// error carries it; no answer or a 5xx is not.
func TestRefused(t *testing.T) {
	retrieve := func(status int) error {
		return &oauth2.RetrieveError{Response: &http.Response{StatusCode: status}}
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"TokenError 401", &m2m.TokenError{StatusCode: http.StatusUnauthorized, Code: "invalid_client"}, true},
		{"TokenError 400, wrapped", fmt.Errorf("calling: %w", &m2m.TokenError{StatusCode: http.StatusBadRequest}), true},
		{"TokenError 503", &m2m.TokenError{StatusCode: http.StatusServiceUnavailable}, false},
		{"TokenError without an answer", &m2m.TokenError{Err: errors.New("connection refused")}, false},
		{"RetrieveError 401", retrieve(http.StatusUnauthorized), true},
		{"RetrieveError 500", retrieve(http.StatusInternalServerError), false},
		{"RetrieveError without a response", &oauth2.RetrieveError{}, false},
		{"another error", errors.New("dial tcp: refused"), false},
		{"nil", nil, false},
	} {
		if got := m2m.Refused(tc.err); got != tc.want {
			t.Errorf("%s: Refused = %v, want %v", tc.name, got, tc.want)
		}
	}

	// A real refusal from the stand-in: the wrong secret.
	s := startStandIn(t, time.Hour)
	_, err := s.source(t, m2m.WithClient(worker, "wrong")).Token()
	if err == nil || !m2m.Refused(err) {
		t.Fatalf("%v: want a refusal", err)
	}
}
