package demo

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/live"
)

// Socket is /ws: a WebSocket that echoes each message prefixed with the
// user's email, closed with 1008 "sign-in expired" when the sign-in ends.
// The auth middleware already checked the upgrade like any request, and its
// Origin (COGNITO_AUTH_ALLOWED_ORIGINS, default the app's host); r's context
// ends when the credential does.
//
// The WebSocket library is github.com/coder/websocket: maintained, context
// first, no dependencies. Its Read and Write close the connection abruptly
// when their context ends, so they get a context the credential's end does
// not cancel, and live.CloseOnExpiry closes it with the reason instead.
func Socket(w http.ResponseWriter, r *http.Request) {
	u, ok := core.UserFromContext(r.Context())
	if !ok {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		// The auth middleware checked the Origin (COGNITO_AUTH_ALLOWED_ORIGINS).
		InsecureSkipVerify: true,
	})
	if err != nil {
		return // Accept answered the client
	}
	defer func() { _ = conn.CloseNow() }()
	stop := live.CloseOnExpiry(r.Context(), func(code int, reason string) {
		_ = conn.Close(websocket.StatusCode(code), reason)
	})
	defer stop()
	rw := context.WithoutCancel(r.Context())
	for {
		typ, msg, err := conn.Read(rw)
		if err != nil {
			return
		}
		if err := conn.Write(rw, typ, []byte(u.Email+": "+string(msg))); err != nil {
			return
		}
	}
}

// Events is /events: server-sent events, a "tick" each second naming the
// user, and a last "signin-expired" event when the sign-in ends.
func Events(w http.ResponseWriter, r *http.Request) {
	u, ok := core.UserFromContext(r.Context())
	if !ok {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	ev := live.NewHTTPEvents(w)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for n := 1; ; n++ {
		select {
		case <-r.Context().Done():
			_ = ev.End(r.Context())
			return
		case <-tick.C:
			if err := ev.Send("tick", fmt.Sprintf("%s %d", u.Email, n)); err != nil {
				return
			}
		}
	}
}
