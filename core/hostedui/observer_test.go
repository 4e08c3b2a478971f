package hostedui_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// sessionEvents keeps the hosted-UI events and the decisions' sources.
type sessionEvents struct {
	core.NopObserver
	mu       sync.Mutex
	sessions []hostedui.SessionEvent
	sources  []string
}

func (s *sessionEvents) ObserveSession(_ context.Context, e hostedui.SessionEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions = append(s.sessions, e)
}

func (s *sessionEvents) ObserveDecision(_ context.Context, e core.DecisionEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sources = append(s.sources, e.Source)
}

func (s *sessionEvents) kinds() ([]string, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, e := range s.sessions {
		out = append(out, string(e.Kind)+" "+string(e.Outcome)+" "+string(e.Code))
		if e.Duration <= 0 {
			out = append(out, "untimed")
		}
	}
	return out, append([]string(nil), s.sources...)
}

func TestObserverSeesLoginRefreshRevokeLogout(t *testing.T) {
	rec := &sessionEvents{}
	a := newAppWithCore(t, []core.VerifierOption{core.WithObserver(rec)}, []core.Option{core.WithObserver(rec)}, []cognitotest.HostedUIOption{cognitotest.WithTokenTTL(4 * time.Second)})
	b := newBrowser(t)
	a.login(b, "/", "alice")
	time.Sleep(3200 * time.Millisecond) // the access token nears expiry: the next request refreshes it
	if resp, _ := b.do(http.MethodGet, a.srv.URL+"/", nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("after refresh: %d", resp.StatusCode)
	}
	_, form := b.do(http.MethodGet, a.srv.URL+hostedui.DefaultLogoutPath, nil, nil)
	csrf := between(form, `name="csrf" value="`, `"`)
	if resp, _ := b.do(http.MethodPost, a.srv.URL+hostedui.DefaultLogoutPath, url.Values{"csrf": {csrf}}, map[string]string{"Origin": a.srv.URL}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	kinds, sources := rec.kinds()
	want := []string{"login allowed ", "refresh allowed ", "revoke allowed ", "logout allowed "}
	if len(kinds) != len(want) {
		t.Fatalf("session events %q, want %q", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Errorf("session event %d: %q, want %q", i, kinds[i], want[i])
		}
	}
	var session int
	for _, s := range sources {
		if s == "session" {
			session++
		}
	}
	if session < 1 {
		t.Errorf("decision sources %q: want decisions made by the session source", sources)
	}
}
