package core_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// sharedVerifier is a Verifier for the tests that hand one to New.
func sharedVerifier(t *testing.T) *core.Verifier {
	t.Helper()
	v, err := core.NewVerifier(issuer.VerifierOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	return v
}

// TestOptionsNextToWithVerifier: New given a Verifier with WithVerifier
// still validates the guard's own settings, and refuses every Verifier
// option beside it (the Verifier given has its own configuration, so the
// option would be ignored) with an error naming it. (Before: all silently
// accepted — the call below returned no error.)
func TestOptionsNextToWithVerifier(t *testing.T) {
	v := sharedVerifier(t)
	_, err := core.New(core.WithEnvironment(noEnv), core.WithVerifier(v), core.WithRedirectURL("javascript:alert(1)"),
		core.WithPolicyReloadInterval(time.Millisecond), core.WithUserPoolIDs("bogus"))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"redirect URL", "policy reload interval", "core.WithUserPoolIDs configures the Verifier"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != 3 {
		t.Errorf("%d problems reported, want 3:\n%v", n, err)
	}
}

// TestVerifierOptionsNextToWithVerifier: one row per Verifier option group.
func TestVerifierOptionsNextToWithVerifier(t *testing.T) {
	v := sharedVerifier(t)
	for name, opt := range map[string]core.Option{
		"WithRegion":               core.WithRegion("eu-west-2"),
		"WithUserPoolIDs":          core.WithUserPoolIDs(issuer.UserPoolID()),
		"WithReplicaRegions":       core.WithReplicaRegions("eu-west-1"),
		"WithClientIDs":            core.WithClientIDs("abc"),
		"WithALBARNs":              core.WithALBARNs(issuer.ALBARN()),
		"WithALBKeysURL":           core.WithALBKeysURL(issuer.ALBKeysURL()),
		"WithJWKSURL":              core.WithJWKSURL(issuer.JWKSURL()),
		"WithAllowUnverifiedEmail": core.WithAllowUnverifiedEmail(),
		"WithHTTPClient":           core.WithHTTPClient(http.DefaultClient),
		"WithLeeway":               core.WithLeeway(time.Second),
		"WithFetchTimeout":         core.WithFetchTimeout(time.Second),
		"WithTokenCache":           core.WithTokenCache(1, 1),
		"WithJWKSRefresh":          core.WithJWKSRefresh(time.Hour, time.Minute),
		"WithKeyFetchLimit":        core.WithKeyFetchLimit(1, time.Second),
	} {
		t.Run(name, func(t *testing.T) {
			a, err := core.New(core.WithEnvironment(noEnv), core.WithVerifier(v), opt)
			if err == nil {
				_ = a.Close()
				t.Fatal("accepted next to WithVerifier")
			}
			if want := "core." + name + " configures the Verifier"; !strings.Contains(err.Error(), want) || core.CodeOf(err) != core.CodeInvalidConfig {
				t.Fatalf("error does not name the option (%q): %v", want, err)
			}
		})
	}
}

// TestGuardOptionsWithVerifier: the options both use are accepted next to
// WithVerifier, and the guard's own settings are validated with it exactly
// as without it — one row per guard option group.
func TestGuardOptionsWithVerifier(t *testing.T) {
	v := sharedVerifier(t)
	for _, tc := range []struct {
		name string
		opts []core.Option
		want string // "" accepted
	}{
		{"shared options", []core.Option{core.WithLogger(testLogger(&syncBuffer{})), core.WithClock(time.Now), core.WithObserver(core.NopObserver{})}, ""},
		{"redirect", []core.Option{core.WithRedirectURL("//evil.example")}, "redirect URL"},
		{"policy", []core.Option{core.WithPolicy(core.Policy{AllowedUsers: []string{"not an email"}})}, "allowed_users"},
		{"policy reload", []core.Option{core.WithPolicyReloadInterval(0)}, "policy reload interval"},
		{"policy sources", []core.Option{core.WithEnvironment(envMap(map[string]string{core.EnvConfigPath: "a.json", core.EnvSecretName: "s"}))}, "choose one policy source"},
		{"dev mode", []core.Option{core.WithDevMode(true)}, "dev mode refused"},
		{"authorizer", []core.Option{core.WithAPIGatewayAuthorizer(true)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := core.New(append([]core.Option{core.WithEnvironment(noEnv), core.WithVerifier(v)}, tc.opts...)...)
			if err == nil {
				_ = a.Close()
			}
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("want an error saying %q, got %v", tc.want, err)
			}
		})
	}
}
