package core_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

func user(email string, groups ...string) *core.User {
	u := core.MockUser(email, groups...)
	return u
}

func mustAuthoriser(t testing.TB, p core.Policy, custom ...core.Rule) *core.Authoriser {
	t.Helper()
	a, err := core.NewAuthoriser(p, custom...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAuthoriserRules(t *testing.T) {
	isBob := core.RuleFunc(func(_ context.Context, u *core.User) bool { return strings.HasPrefix(u.Email, "bob@") })
	cases := []struct {
		name     string
		policy   core.Policy
		custom   []core.Rule
		user     *core.User
		allowed  bool
		appAdmin bool
	}{
		{"no rules: everyone", core.Policy{}, nil, user("x@y.com"), true, false},
		{"group match", core.Policy{AllowedGroups: []string{"dev"}}, nil, user("x@y.com", "dev"), true, false},
		{"group case-sensitive", core.Policy{AllowedGroups: []string{"dev"}}, nil, user("x@y.com", "Dev"), false, false},
		{"group miss", core.Policy{AllowedGroups: []string{"dev"}}, nil, user("x@y.com", "ops"), false, false},
		{"user match", core.Policy{AllowedUsers: []string{"x@y.com"}}, nil, user("x@y.com"), true, false},
		{"domain match", core.Policy{AllowedDomains: []string{"y.com"}}, nil, user("x@y.com"), true, false},
		{"domain @-prefixed", core.Policy{AllowedDomains: []string{"@y.com"}}, nil, user("x@y.com"), true, false},
		{"subdomain is not the domain", core.Policy{AllowedDomains: []string{"y.com"}}, nil, user("x@sub.y.com"), false, false},
		{"domain suffix trick", core.Policy{AllowedDomains: []string{"y.com"}}, nil, user("x@evily.com"), false, false},
		{"OR: group or user, group", core.Policy{AllowedGroups: []string{"dev"}, AllowedUsers: []string{"a@y.com"}}, nil, user("x@y.com", "dev"), true, false},
		{"OR: group or user, user", core.Policy{AllowedGroups: []string{"dev"}, AllowedUsers: []string{"a@y.com"}}, nil, user("a@y.com"), true, false},
		{"OR: neither", core.Policy{AllowedGroups: []string{"dev"}, AllowedUsers: []string{"a@y.com"}}, nil, user("b@y.com", "ops"), false, false},
		{"AND: both", core.Policy{AllowedGroups: []string{"dev"}, AllowedUsers: []string{"a@y.com"}, RequireAll: true}, nil, user("a@y.com", "dev"), true, false},
		{"AND: group only", core.Policy{AllowedGroups: []string{"dev"}, AllowedUsers: []string{"a@y.com"}, RequireAll: true}, nil, user("b@y.com", "dev"), false, false},
		{"AND: user only", core.Policy{AllowedGroups: []string{"dev"}, AllowedUsers: []string{"a@y.com"}, RequireAll: true}, nil, user("a@y.com"), false, false},
		{"AND: group+domain", core.Policy{AllowedGroups: []string{"dev"}, AllowedDomains: []string{"y.com"}, RequireAll: true}, nil, user("q@y.com", "dev"), true, false},
		{"AND: group+domain wrong domain", core.Policy{AllowedGroups: []string{"dev"}, AllowedDomains: []string{"y.com"}, RequireAll: true}, nil, user("q@z.com", "dev"), false, false},
		{"admin group bypasses", core.Policy{AllowedGroups: []string{"dev"}, AdminGroups: []string{"root"}}, nil, user("x@z.com", "root"), true, true},
		{"admin user bypasses AND", core.Policy{AllowedGroups: []string{"dev"}, AllowedUsers: []string{"a@y.com"}, RequireAll: true, AdminUsers: []string{"Boss@Y.com"}}, nil, user("boss@y.com"), true, true},
		{"admin only policy refuses others", core.Policy{AdminGroups: []string{"root"}}, nil, user("x@y.com", "dev"), false, false},
		{"custom rule OR", core.Policy{AllowedGroups: []string{"dev"}}, []core.Rule{isBob}, user("bob@y.com"), true, false},
		{"custom rule OR miss", core.Policy{AllowedGroups: []string{"dev"}}, []core.Rule{isBob}, user("eve@y.com"), false, false},
		{"custom rule AND", core.Policy{AllowedGroups: []string{"dev"}, RequireAll: true}, []core.Rule{isBob}, user("bob@y.com", "dev"), true, false},
		{"custom rule AND miss", core.Policy{AllowedGroups: []string{"dev"}, RequireAll: true}, []core.Rule{isBob}, user("eve@y.com", "dev"), false, false},
		{"custom rule alone", core.Policy{}, []core.Rule{isBob}, user("eve@y.com"), false, false},
		{"AnyOf/AllOf compose", core.Policy{}, []core.Rule{core.AllOf(core.AllowGroups("a"), core.AnyOf(core.AllowGroups("b"), isBob))}, user("bob@y.com", "a"), true, false},
		{"AnyOf/AllOf compose miss", core.Policy{}, []core.Rule{core.AllOf(core.AllowGroups("a"), core.AnyOf(core.AllowGroups("b"), isBob))}, user("eve@y.com", "a"), false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := mustAuthoriser(t, tc.policy, tc.custom...)
			d, err := a.Decide(context.Background(), tc.user)
			if err != nil || d.Allowed != tc.allowed || d.AppAdmin != tc.appAdmin {
				t.Fatalf("got %+v %v, want allowed=%v appAdmin=%v", d, err, tc.allowed, tc.appAdmin)
			}
		})
	}
}

func TestEmailTricks(t *testing.T) {
	a := mustAuthoriser(t, core.Policy{AllowedUsers: []string{"admin@example.com"}})
	d := mustAuthoriser(t, core.Policy{AllowedDomains: []string{"example.com"}})
	ok := []string{"admin@example.com", "Admin@Example.COM", "ADMIN@EXAMPLE.COM"}
	bad := map[string]string{
		"fullwidth a":        "\uff41dmin@example.com",
		"Cyrillic a":         "\u0430dmin@example.com",
		"trailing dot":       "admin@example.com.",
		"zero-width space":   "admin\u200b@example.com",
		"zero-width joiner":  "admin@exam\u200dple.com",
		"Kelvin sign domain": "admin@example.\u212aom",
		"leading space":      " admin@example.com",
		"NUL":                "admin@example.com\x00",
		"second @":           "admin@example.com@evil.com",
		"dotless i":          "adm\u0131n@example.com",
	}
	for _, e := range ok {
		if !allowed(a, user(e)) {
			t.Errorf("%q should match admin@example.com", e)
		}
	}
	for name, e := range bad {
		if allowed(a, user(e)) {
			t.Errorf("%s (%q) matched the user rule", name, e)
		}
	}
	for _, name := range []string{"fullwidth a", "Cyrillic a", "trailing dot", "zero-width joiner", "Kelvin sign domain", "second @"} {
		e := bad[name]
		if name == "fullwidth a" || name == "Cyrillic a" {
			continue // the local part is not checked by a domain rule
		}
		if allowed(d, user(e)) {
			t.Errorf("%s (%q) matched the domain rule", name, e)
		}
	}
	unverified := user("admin@example.com")
	unverified.EmailVerified = false
	if allowed(a, unverified) || allowed(d, unverified) {
		t.Fatal("an unverified email matched an email rule")
	}
}

func TestPolicyDocuments(t *testing.T) {
	for _, f := range []string{"testdata/auth-config.example.json"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := core.ParsePolicy(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(p.AllowedGroups) != 3 || p.AllowedUsers[0] != "special-user@example.com" || p.RequireAll {
			t.Fatalf("%s parsed as %+v", f, p)
		}
	}
	bad := map[string]string{
		`{"allowed_group": ["dev"]}`:                      `unknown field "allowed_group"`,
		`{"allowed_groups": ["dev"], "requireAll": true}`: `unknown field "requireAll"`,
		`{}`:                                  "at least one of",
		`{"_comment": "only comments"}`:       "at least one of",
		`{"allowed_users": ["not-an-email"]}`: "not a valid ASCII email",
		`{"allowed_users": ["\u0430dmin@example.com"]}`:            "not a valid ASCII email",
		`{"allowed_domains": ["example.com."]}`:                    "not a valid ASCII domain",
		`{"admin_users": ["a@b"]}`:                                 "admin_users[0] is not a valid ASCII email",
		`{"allowed_users": ["ok@example.com", "bób@exämple.com"]}`: "allowed_users[1] is not a valid ASCII email",
		`{"allowed_groups": "dev"}`:                                "cannot unmarshal",
		`{"allowed_groups": [""]}`:                                 "empty or too long",
		`[]`:                                                       "not a JSON object",
		`{"allowed_groups": ["dev"]`:                               "not a JSON object",
		`{"allowed_groups": ["dev"], "require_all": "true"}`:       "cannot unmarshal",
	}
	for doc, want := range bad {
		_, err := core.ParsePolicy([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want error containing %q, got %v", doc, want, err)
		}
		if err != nil && strings.Contains(err.Error(), "@") {
			t.Errorf("%s: the error repeats an address (errors reach logs and observers): %v", doc, err)
		}
	}
}

// writeFile replaces path's content atomically (rename), as editors and
// config tools do.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestFilePolicyWatcher(t *testing.T) {
	path := filepath.Join(t.TempDir(), "auth-config.json")
	writeFile(t, path, `{"allowed_groups": ["dev"]}`)
	logs := &syncBuffer{}
	w, err := core.NewPolicyWatcher(context.Background(), core.FilePolicySource(path), core.PolicyWatcherConfig{Interval: -1, Logger: testLogger(logs)})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	dev, ops := user("a@y.com", "dev"), user("b@y.com", "ops")
	allowed := func(u *core.User) bool { d, err := w.Decide(context.Background(), u); return err == nil && d.Allowed }
	if !allowed(dev) || allowed(ops) {
		t.Fatal("initial policy")
	}
	writeFile(t, path, `{"allowed_groups": ["ops"]}`)
	if err := w.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if allowed(dev) || !allowed(ops) {
		t.Fatal("edited policy not picked up")
	}
	writeFile(t, path, `{"allowed_groups": ["dev"], "allowed_userz": ["x@y.com"]}`)
	if err := w.Reload(context.Background()); !errors.Is(err, core.ErrInvalidPolicy) {
		t.Fatalf("broken file: %v", err)
	}
	if allowed(dev) || !allowed(ops) {
		t.Fatal("broken file replaced the last good policy")
	}
	if !strings.Contains(logs.String(), "keeping the last good policy") || !strings.Contains(logs.String(), "allowed_userz") {
		t.Fatalf("failed reload not logged clearly: %s", logs)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := w.Reload(context.Background()); err == nil {
		t.Fatal("deleted file reloaded")
	}
	if !allowed(ops) {
		t.Fatal("deleted file lost the last good policy")
	}
	if at, last := w.Status(); at.IsZero() || last == nil {
		t.Fatalf("status %v %v", at, last)
	}
}

func TestPolicyWatcherBackgroundReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "auth-config.json")
	writeFile(t, path, `{"allowed_groups": ["dev"]}`)
	w, err := core.NewPolicyWatcher(context.Background(), core.FilePolicySource(path), core.PolicyWatcherConfig{Interval: 20 * time.Millisecond, Logger: testLogger(&syncBuffer{})})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, `{"allowed_groups": ["ops"]}`)
	deadline := time.Now().Add(3 * time.Second)
	for !allowed(w.Authoriser(), user("b@y.com", "ops")) {
		if time.Now().After(deadline) {
			t.Fatal("background reload did not pick up the change")
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = w.Close()
	if goroutineRunning("loop") && strings.Contains(stackOf(), "core.(*PolicyWatcher).loop") {
		t.Fatal("watcher goroutine left after Close")
	}
}

func TestNeverLoadedPolicyDeniesEveryone(t *testing.T) {
	logs := &syncBuffer{}
	w, err := core.NewPolicyWatcher(context.Background(), core.FilePolicySource(filepath.Join(t.TempDir(), "missing.json")),
		core.PolicyWatcherConfig{Interval: -1, Logger: testLogger(logs)})
	if err == nil {
		t.Fatal("missing file loaded")
	}
	defer w.Close()
	_, derr := w.Decide(context.Background(), user("a@y.com", "admins"))
	if !errors.Is(derr, core.ErrUnavailable) || core.CodeOf(derr) != core.CodePolicyNotLoaded {
		t.Fatalf("never-loaded decision: %v", derr)
	}
	if !strings.Contains(logs.String(), "never loaded") {
		t.Fatalf("not logged clearly: %s", logs)
	}
}

// TestPolicySwapIsAtomic swaps two policies while requests run in parallel.
// P1 = group g1 AND user u1, P2 = group g2 AND user u2. A request that saw
// P1's groups with P2's users would let in (g1, u2); neither policy does.
func TestPolicySwapIsAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.json")
	p1 := `{"allowed_groups":["g1"],"allowed_users":["u1@example.com"],"require_all":true}`
	p2 := `{"allowed_groups":["g2"],"allowed_users":["u2@example.com"],"require_all":true}`
	writeFile(t, path, p1)
	a, _ := newAuth(t, nil, core.WithPolicySource(core.FilePolicySource(path)), core.WithPolicyReloadInterval(time.Hour))
	mixed := []*core.User{user("u2@example.com", "g1"), user("u1@example.com", "g2")}
	stop := make(chan struct{})
	writerDone := make(chan struct{})
	var swaps atomic.Int64
	go func() {
		defer close(writerDone)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			tmp := path + ".tmp"
			if os.WriteFile(tmp, []byte([]string{p1, p2}[i%2]), 0o600) != nil || os.Rename(tmp, path) != nil {
				t.Error("could not write the policy file")
				return
			}
			if err := a.PolicyWatcher().Reload(context.Background()); err == nil {
				swaps.Add(1)
			}
		}
	}()
	var wg sync.WaitGroup
	var bad, decisions atomic.Int64
	deadline := time.Now().Add(10 * time.Second)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Decide until the policy has been swapped often (however
			// loaded the machine is), for at most ten seconds.
			for i := 0; i < 5000 || (swaps.Load() < 50 && time.Now().Before(deadline)); i++ {
				decisions.Add(1)
				u := mixed[(w+i)%2].Clone()
				if err := a.Authorise(context.Background(), u); err == nil {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-writerDone
	if bad.Load() != 0 {
		t.Fatalf("%d requests saw a mixed policy", bad.Load())
	}
	if swaps.Load() < 10 {
		t.Fatalf("only %d swaps happened; the test proved nothing", swaps.Load())
	}
	t.Logf("%d policy swaps under %d parallel decisions", swaps.Load(), decisions.Load())
}

func TestRouteRulesAndAdmins(t *testing.T) {
	var denials []core.Code
	var mu sync.Mutex
	hook := func(_ context.Context, _ *core.User, c core.Code) {
		mu.Lock()
		denials = append(denials, c)
		mu.Unlock()
	}
	a, logs := newAuth(t, nil,
		core.WithPolicy(core.Policy{AllowedGroups: []string{"staff", "admins"}, AdminUsers: []string{"owner@example.com"}}),
		core.WithDenialHook(hook))
	requireAdmins := core.AllowGroups("admins")

	staffer := mint() // group staff
	if _, err := authenticate(a, staffer); err != nil {
		t.Fatalf("staff at /: %v", err)
	}
	r := newRequest(staffer)
	if _, err := a.Authenticate(context.Background(), r, requireAdmins); core.CodeOf(err) != core.CodeRouteForbidden || !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("staff at /admin: %v", err)
	}
	admin := issuer.Mint(ct.User{Email: "root@example.com", Groups: []string{"admins"}}).Header()
	if u, err := a.Authenticate(context.Background(), newRequest(admin), requireAdmins); err != nil || u.IsAppAdmin() {
		t.Fatalf("admins at /admin: %v %v", u, err)
	}
	owner := issuer.Mint(ct.User{Email: "Owner@Example.com"}).Header()
	u, err := a.Authenticate(context.Background(), newRequest(owner), requireAdmins)
	if err != nil || !u.IsAppAdmin() {
		t.Fatalf("app admin should pass every rule: %v %v", u, err)
	}
	outsider := issuer.Mint(ct.User{Email: "eve@example.com", Groups: []string{"guests"}}).Header()
	if _, err := authenticate(a, outsider); core.CodeOf(err) != core.CodeForbidden {
		t.Fatalf("outsider: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(denials) != "[route_forbidden forbidden]" {
		t.Fatalf("denial hook saw %v", denials)
	}
	if !strings.Contains(logs.String(), "eve@example.com") || !strings.Contains(logs.String(), "guests") {
		t.Fatalf("denial not logged with email and groups: %s", logs)
	}
	assertNoTokenText(t, logs.String(), outsider)
}

func TestPolicyFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	writeFile(t, good, `{"allowed_groups": ["staff"]}`)
	typo := filepath.Join(dir, "typo.json")
	writeFile(t, typo, `{"allowed_grups": ["staff"]}`)

	env := issuer.Env()
	env[core.EnvConfigPath] = good
	a, err := core.New(core.WithEnvironment(envMap(env)), core.WithLogger(testLogger(&syncBuffer{})))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.PolicyWatcher() == nil {
		t.Fatal("no watcher for COGNITO_AUTH_CONFIG_PATH")
	}
	if _, err := authenticate(a, mint()); err != nil {
		t.Fatal(err)
	}
	if _, err := authenticate(a, issuer.Mint(ct.User{Groups: []string{"guests"}}).Header()); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("policy from file not applied: %v", err)
	}

	env[core.EnvConfigPath] = typo
	if _, err := core.New(core.WithEnvironment(envMap(env)), core.WithLogger(testLogger(&syncBuffer{}))); !errors.Is(err, core.ErrConfig) || !strings.Contains(err.Error(), "allowed_grups") {
		t.Fatalf("typo in policy at start-up: %v", err)
	}
	env[core.EnvConfigPath] = good
	env[core.EnvSecretName] = "my-app/policy"
	if _, err := core.New(core.WithEnvironment(envMap(env))); !errors.Is(err, core.ErrConfig) || !strings.Contains(err.Error(), "choose one") {
		t.Fatalf("both sources: %v", err)
	}
	delete(env, core.EnvConfigPath)
	if _, err := core.New(core.WithEnvironment(envMap(env))); !errors.Is(err, core.ErrConfig) || !strings.Contains(err.Error(), "secretspolicy") {
		t.Fatalf("secret name without a source: %v", err)
	}
	delete(env, core.EnvSecretName)
	// A remote source that cannot be reached at start-up is not a start-up
	// error (it may appear later); a missing file is (TestMissingPolicyFileIsConfigError).
	a2, err := core.New(core.WithEnvironment(envMap(env)), core.WithLogger(testLogger(&syncBuffer{})),
		core.WithPolicySource(unreachableSource{}))
	if err != nil {
		t.Fatalf("an unreachable policy source is not a start-up error (it may appear later): %v", err)
	}
	defer a2.Close()
	if _, err := authenticate(a2, mint()); core.CodeOf(err) != core.CodePolicyNotLoaded {
		t.Fatalf("never-loaded policy through BaseAuth: %v", err)
	}
}

func newRequest(h map[string][]string) core.Request {
	r := newHTTPRequest()
	for k, v := range h {
		r.Header[k] = v
	}
	return core.HTTPRequest(r)
}

// BenchmarkAuthorise: a user with 20 groups against a policy of 100 groups
// and 1,000 users (no match: the worst case, every rule checked).
func BenchmarkAuthorise(b *testing.B) {
	p := core.Policy{}
	for i := range 100 {
		p.AllowedGroups = append(p.AllowedGroups, fmt.Sprintf("policy-group-%03d", i))
	}
	for i := range 1000 {
		p.AllowedUsers = append(p.AllowedUsers, fmt.Sprintf("user%04d@example.com", i))
	}
	a := mustAuthoriser(b, p)
	var groups []string
	for i := range 20 {
		groups = append(groups, fmt.Sprintf("user-group-%02d", i))
	}
	for _, tc := range []struct {
		name string
		u    *core.User
		want bool
	}{
		{"miss", user("Someone.Else@Example.com", groups...), false},
		{"email-match", user("User0999@Example.com", groups...), true},
		{"last-group-match", user("x@example.com", append(groups[:19:19], "policy-group-099")...), true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if d, _ := a.Decide(ctx, tc.u); d.Allowed != tc.want {
					b.Fatal("wrong decision")
				}
			}
		})
	}
}

// unreachableSource is a policy source whose every fetch fails, like Secrets
// Manager out of reach.
type unreachableSource struct{}

func (unreachableSource) Name() string { return "unreachable" }
func (unreachableSource) Fetch(context.Context) ([]byte, error) {
	return nil, errors.New("connection refused")
}

// allowed reports whether a's policy lets u in.
func allowed(a *core.Authoriser, u *core.User) bool {
	d, _ := a.Decide(context.Background(), u)
	return d.Allowed
}
