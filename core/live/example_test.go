package live_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/live"
)

// A WebSocket handler closes its connection when the sign-in it was opened
// with expires. closeFn is the WebSocket library's close: with
// github.com/coder/websocket, conn.Close(websocket.StatusCode(code), reason).
func ExampleCloseOnExpiry() {
	u := core.MockUser("alice@example.com")
	u.ExpiresAt = time.Now().Add(20 * time.Millisecond)
	// The adapters' middleware gives handlers such a context.
	ctx, cancel := core.UntilCredentialEnd(cognitotest.ContextWithUser(context.Background(), u))
	defer cancel()

	closed := make(chan string)
	stop := live.CloseOnExpiry(ctx, func(code int, reason string) {
		closed <- fmt.Sprint(code, " ", reason)
	})
	defer stop()
	fmt.Println(<-closed)
	// Output: 1008 sign-in expired
}

// A server-sent events handler sends its ticks until its context ends, and
// then tells the page why.
func ExampleEvents() {
	u := core.MockUser("alice@example.com")
	u.ExpiresAt = time.Now().Add(35 * time.Millisecond)
	ctx, cancel := core.UntilCredentialEnd(cognitotest.ContextWithUser(context.Background(), u))
	defer cancel()

	ev := live.NewEvents(os.Stdout, nil) // net/http: live.NewHTTPEvents(w)
	_ = ev.Send("tick", u.Email)
	<-ctx.Done()
	_ = ev.End(ctx)
	// Output:
	// event: tick
	// data: alice@example.com
	//
	// event: signin-expired
	// data: sign-in expired
}
