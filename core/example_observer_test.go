package core_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// outcomeCounter counts decisions by outcome and code; embedding
// NopObserver ignores the other events.
type outcomeCounter struct {
	core.NopObserver
	mu     sync.Mutex
	counts map[string]int
}

func (c *outcomeCounter) ObserveDecision(_ context.Context, e core.DecisionEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[string(e.Outcome)+" "+string(e.Code)]++
}

// WithObserver reports every decision (and key fetches, cache look-ups,
// policy loads); the otelauth module turns them into OpenTelemetry metrics
// and spans.
func ExampleWithObserver() {
	iss, err := cognitotest.New()
	if err != nil {
		log.Fatal(err)
	}
	defer iss.Close()
	counter := &outcomeCounter{counts: map[string]int{}}
	auth, err := core.New(append(iss.Options(), core.WithObserver(counter))...)
	if err != nil {
		log.Print(err)
		return
	}
	defer auth.Close()

	for _, h := range []cognitotest.Headers{iss.Mint(cognitotest.User{}), iss.Mint(cognitotest.User{}, cognitotest.Expired())} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		h.Apply(r)
		_, _ = auth.Authenticate(r.Context(), core.HTTPRequest(r))
	}
	fmt.Println(counter.counts["allowed "], counter.counts["unauthenticated token_expired"])
	// Output: 1 1
}
