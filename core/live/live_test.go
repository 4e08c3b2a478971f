package live_test

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/live"
)

// signedIn is a context holding a user whose access token ends in d,
// bounded by it as an adapter's middleware bounds a handler's.
func signedIn(t *testing.T, parent context.Context, d time.Duration) context.Context {
	t.Helper()
	u := core.MockUser("alice@example.com")
	u.ExpiresAt = time.Now().Add(d)
	ctx, cancel := core.UntilCredentialEnd(cognitotest.ContextWithUser(parent, u))
	t.Cleanup(cancel)
	return ctx
}

type closed struct {
	code   int
	reason string
	at     time.Time
}

func TestCloseOnExpiry(t *testing.T) {
	t.Run("closes with 1008 sign-in expired when the credential ends", func(t *testing.T) {
		ctx := signedIn(t, t.Context(), 100*time.Millisecond)
		end, _ := ctx.Deadline()
		got := make(chan closed, 1)
		defer live.CloseOnExpiry(ctx, func(code int, reason string) { got <- closed{code, reason, time.Now()} })()
		select {
		case c := <-got:
			if c.code != 1008 || c.reason != "sign-in expired" {
				t.Fatalf("closed with %d %q, want 1008 \"sign-in expired\"", c.code, c.reason)
			}
			if late := c.at.Sub(end); late < 0 || late > time.Second {
				t.Fatalf("closed %v after the credential's end, want within a second and not before", late)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("not closed 5 s after the credential ended")
		}
	})
	t.Run("the client leaving is not an expiry", func(t *testing.T) {
		parent, cancel := context.WithCancel(t.Context())
		ctx := signedIn(t, parent, time.Hour)
		got := make(chan closed, 1)
		defer live.CloseOnExpiry(ctx, func(code int, reason string) { got <- closed{code: code, reason: reason} })()
		cancel()
		<-ctx.Done()
		select {
		case c := <-got:
			t.Fatalf("closed with %d %q although the credential had an hour left", c.code, c.reason)
		case <-time.After(200 * time.Millisecond):
		}
	})
	t.Run("stop before expiry: nothing happens", func(t *testing.T) {
		ctx := signedIn(t, t.Context(), 50*time.Millisecond)
		got := make(chan closed, 1)
		stop := live.CloseOnExpiry(ctx, func(code int, reason string) { got <- closed{code: code, reason: reason} })
		if !stop() {
			t.Fatal("stop reported the close had already run")
		}
		<-ctx.Done()
		select {
		case <-got:
			t.Fatal("closed after stop")
		case <-time.After(200 * time.Millisecond):
		}
	})
	t.Run("no verified user: closes at once", func(t *testing.T) {
		ctx, cancel := core.UntilCredentialEnd(t.Context())
		defer cancel()
		got := make(chan closed, 1)
		defer live.CloseOnExpiry(ctx, func(code int, reason string) { got <- closed{code: code, reason: reason} })()
		select {
		case c := <-got:
			if c.code != live.CloseCode {
				t.Fatalf("code %d", c.code)
			}
		case <-time.After(time.Second):
			t.Fatal("a context without a verified user must end at once, as expired")
		}
	})
}

func TestEvents(t *testing.T) {
	tests := []struct {
		name, event, data, want string
		err                     error
	}{
		{"default event", "", "tick 1", "data: tick 1\n\n", nil},
		{"named event", "tick", "alice@example.com 1", "event: tick\ndata: alice@example.com 1\n\n", nil},
		{"multi-line data: a data field per line", "note", "a\nb\r\nc\rd", "event: note\ndata: a\ndata: b\ndata: c\ndata: d\n\n", nil},
		{"an event name with a line break is refused", "x\ndata: forged", "y", "", live.ErrBadEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			flushed := 0
			err := live.NewEvents(&b, func() error { flushed++; return nil }).Send(tt.event, tt.data)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if b.String() != tt.want {
				t.Fatalf("wrote %q, want %q", b.String(), tt.want)
			}
			if tt.err == nil && flushed != 1 {
				t.Fatalf("flushed %d times, want once per event", flushed)
			}
		})
	}
}

func TestEventsEnd(t *testing.T) {
	t.Run("expired: the last event says so", func(t *testing.T) {
		ctx := signedIn(t, t.Context(), time.Millisecond)
		<-ctx.Done()
		var b bytes.Buffer
		if err := live.NewEvents(&b, nil).End(ctx); err != nil {
			t.Fatal(err)
		}
		if want := "event: signin-expired\ndata: sign-in expired\n\n"; b.String() != want {
			t.Fatalf("wrote %q, want %q", b.String(), want)
		}
	})
	t.Run("client gone: nothing written", func(t *testing.T) {
		parent, cancel := context.WithCancel(t.Context())
		ctx := signedIn(t, parent, time.Hour)
		cancel()
		var b bytes.Buffer
		if err := live.NewEvents(&b, nil).End(ctx); err != nil || b.Len() != 0 {
			t.Fatalf("wrote %q (err %v), want nothing", b.String(), err)
		}
	})
}

func TestNewHTTPEvents(t *testing.T) {
	rec := httptest.NewRecorder()
	ev := live.NewHTTPEvents(rec)
	if err := ev.Send("tick", "1"); err != nil {
		t.Fatal(err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("Cache-Control %q", cc)
	}
	if !rec.Flushed {
		t.Fatal("the event was not flushed")
	}
}
