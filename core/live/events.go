package live

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// ExpiredEvent is the name of the last server-sent event of a stream whose
// sign-in expired; its data is Reason. A page listens for it
// (source.addEventListener("signin-expired", …)) and closes the
// EventSource, which would otherwise reconnect.
const ExpiredEvent = "signin-expired"

// ErrBadEvent is returned for an event name holding a line break, which
// would split the event.
var ErrBadEvent = errors.New("live: an event name may not contain CR or LF")

// Events writes server-sent events (text/event-stream, HTML Living
// Standard §9.2) to a stream, flushing after each.
type Events struct {
	w     io.Writer
	flush func() error
}

// NewEvents returns an Events writing to w and calling flush after every
// event (nil: no flush). For net/http use NewHTTPEvents.
func NewEvents(w io.Writer, flush func() error) *Events {
	if flush == nil {
		flush = func() error { return nil }
	}
	return &Events{w: w, flush: flush}
}

// NewHTTPEvents sets the event-stream headers on w (Content-Type
// text/event-stream, Cache-Control no-store, X-Accel-Buffering no for
// proxies that buffer) and returns an Events writing to it, flushed with
// http.ResponseController. Call it before the first write.
func NewHTTPEvents(w http.ResponseWriter) *Events {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(w)
	return NewEvents(w, rc.Flush)
}

// Send writes one event: name (empty for the default "message" event)
// and data, each line of data its own data field.
func (e *Events) Send(name, data string) error {
	if strings.ContainsAny(name, "\r\n") {
		return ErrBadEvent
	}
	var b strings.Builder
	if name != "" {
		b.WriteString("event: " + name + "\n")
	}
	data = strings.ReplaceAll(data, "\r\n", "\n")
	for line := range strings.SplitSeq(strings.ReplaceAll(data, "\r", "\n"), "\n") {
		b.WriteString("data: " + line + "\n")
	}
	b.WriteString("\n")
	if _, err := io.WriteString(e.w, b.String()); err != nil {
		return err
	}
	return e.flush()
}

// Expired writes the ExpiredEvent.
func (e *Events) Expired() error { return e.Send(ExpiredEvent, Reason) }

// End finishes a stream whose context ended: when the credential expired it
// writes the ExpiredEvent, otherwise nothing (the client left or the server
// is stopping). Call it when the handler sees ctx.Done().
func (e *Events) End(ctx context.Context) error {
	if core.CredentialExpired(ctx) {
		return e.Expired()
	}
	return nil
}
