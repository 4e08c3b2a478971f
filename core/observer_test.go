package core_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// recorder is an Observer that keeps every event.
type recorder struct {
	mu        sync.Mutex
	decisions []core.DecisionEvent
	fetches   []core.KeyFetchEvent
	caches    []core.CacheEvent
	policies  []core.PolicyEvent
}

func (r *recorder) ObserveDecision(_ context.Context, e core.DecisionEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.decisions = append(r.decisions, e)
}

func (r *recorder) ObserveKeyFetch(_ context.Context, e core.KeyFetchEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fetches = append(r.fetches, e)
}

func (r *recorder) ObserveCache(_ context.Context, e core.CacheEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.caches = append(r.caches, e)
}

func (r *recorder) ObservePolicy(_ context.Context, e core.PolicyEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.policies = append(r.policies, e)
}

func (r *recorder) lastDecision(t *testing.T) core.DecisionEvent {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.decisions) == 0 {
		t.Fatal("no decision observed")
	}
	return r.decisions[len(r.decisions)-1]
}

func TestObserverDecisions(t *testing.T) {
	rec := &recorder{}
	a, _ := newAuth(t, nil, core.WithObserver(rec), core.WithBearer(true), core.WithPolicy(core.Policy{AllowedGroups: []string{"staff"}}))
	staff := issuer.Mint(cognitotest.User{Groups: []string{"staff"}})
	guest := issuer.Mint(cognitotest.User{Groups: []string{"guests"}})
	tests := []struct {
		name    string
		header  http.Header
		source  string
		outcome core.Outcome
		code    core.Code
		pool    string
	}{
		{"allowed", staff.Header(), core.SourceALB, core.OutcomeAllowed, "", issuer.UserPoolID()},
		{"allowed again (cache)", staff.Header(), core.SourceALB, core.OutcomeAllowed, "", issuer.UserPoolID()},
		{"forbidden", guest.Header(), core.SourceALB, core.OutcomeForbidden, core.CodeForbidden, issuer.UserPoolID()},
		{"expired", issuer.Mint(cognitotest.User{}, cognitotest.Expired()).Header(), core.SourceALB, core.OutcomeUnauthenticated, core.CodeTokenExpired, ""},
		{"bearer", http.Header{"Authorization": {"Bearer " + staff.AccessToken}}, core.SourceBearer, core.OutcomeAllowed, "", issuer.UserPoolID()},
		{"no credentials", http.Header{}, core.SourceNone, core.OutcomeUnauthenticated, core.CodeMissingToken, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := authenticate(a, tc.header)
			if core.CodeOf(err) != tc.code {
				t.Fatalf("code %q, want %q (%v)", core.CodeOf(err), tc.code, err)
			}
			e := rec.lastDecision(t)
			if e.Source != tc.source || e.Outcome != tc.outcome || e.Code != tc.code || e.UserPoolID != tc.pool {
				t.Errorf("event %+v, want source %s outcome %s code %q pool %q", e, tc.source, tc.outcome, tc.code, tc.pool)
			}
			if e.Duration <= 0 || e.Start.IsZero() {
				t.Errorf("event not timed: %+v", e)
			}
		})
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.decisions) != len(tests) {
		t.Errorf("%d decisions observed, want %d", len(rec.decisions), len(tests))
	}
	hits := map[core.CacheEvent]int{}
	for _, c := range rec.caches {
		hits[c]++
	}
	if hits[core.CacheEvent{Cache: core.CacheRequest, Hit: true}] < 1 || hits[core.CacheEvent{Cache: core.CacheRequest, Hit: false}] < 1 {
		t.Errorf("cache events %v: want request hits and misses", hits)
	}
	var sources []string
	for _, f := range rec.fetches {
		if f.Status != http.StatusOK || f.Bytes == 0 || f.Err != nil || f.URL == "" {
			t.Errorf("key fetch %+v: want a successful fetch with its size", f)
		}
		sources = append(sources, f.Source)
	}
	if !contains(sources, core.KeySourceALB) || !contains(sources, core.KeySourceJWKS) {
		t.Errorf("key fetch sources %v: want alb and jwks", sources)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestObserverKeyFetchFailure(t *testing.T) {
	rec := &recorder{}
	// A key server that is down: the port of a closed listener.
	down := cognitotest.Start(t)
	url := down.JWKSURL()
	down.Close()
	a, _ := newAuth(t, nil, core.WithObserver(rec), core.WithJWKSURL(url))
	_, err := authenticate(a, issuer.Mint(cognitotest.User{}).Header())
	if !errors.Is(err, core.ErrUnavailable) {
		t.Fatalf("err %v, want ErrUnavailable", err)
	}
	if e := rec.lastDecision(t); e.Outcome != core.OutcomeUnavailable || e.Code != core.CodeKeyUnavailable {
		t.Errorf("decision %+v", e)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	failed := 0
	for _, f := range rec.fetches {
		if f.Source == core.KeySourceJWKS && f.Err != nil && f.Status == 0 && f.URL == url {
			failed++
		}
	}
	if failed == 0 {
		t.Errorf("fetches %+v: want a failed JWKS fetch with no status", rec.fetches)
	}
}

func TestObserverPolicyLoads(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(path, []byte(`{"allowed_groups": ["staff"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	a, _ := newAuth(t, nil, core.WithObserver(rec), core.WithPolicySource(core.FilePolicySource(path)))
	if err := os.WriteFile(path, []byte(`{"allowed_groupz": ["staff"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := a.PolicyWatcher().Reload(context.Background()); err == nil {
		t.Fatal("reload of a bad policy succeeded")
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.policies) != 2 || rec.policies[0].Err != nil || rec.policies[1].Err == nil || rec.policies[1].Source != "file "+path {
		t.Errorf("policy events %+v: want one load and one failure", rec.policies)
	}
}

func TestWithObserverValidation(t *testing.T) {
	var nilRec *recorder
	_, err := core.New(append(issuer.Options(), core.WithObserver(nilRec))...)
	if !errors.Is(err, core.ErrConfig) {
		t.Errorf("nil *recorder: err %v, want ErrConfig", err)
	}
	a, err := core.New(append(issuer.Options(), core.WithObserver(nil))...)
	if err != nil {
		t.Fatalf("nil observer: %v", err)
	}
	_ = a.Close()
}

func TestSeveralObserversAllHear(t *testing.T) {
	r1, r2 := &recorder{}, &recorder{}
	a, _ := newAuth(t, nil, core.WithObserver(r1), core.WithObserver(r2))
	if _, err := authenticate(a, issuer.Mint(cognitotest.User{}).Header()); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*recorder{r1, r2} {
		if e := r.lastDecision(t); e.Outcome != core.OutcomeAllowed {
			t.Errorf("decision %+v", e)
		}
	}
}
