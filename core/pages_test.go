package core_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// TestPageLinksConfig: COGNITO_AUTH_SIGN_OUT_URL and COGNITO_AUTH_APP_URL
// are checked at start-up and give the refusal page its Sign out and Back
// to the start; without them, no Sign out and "/".
func TestPageLinksConfig(t *testing.T) {
	bads := []map[string]string{
		{core.EnvSignOutURL: "javascript:alert(1)"},
		{core.EnvSignOutURL: "//evil.example/logout"},
		{core.EnvAppURL: "app.example.com/x"},
		{core.EnvAppURL: "ftp://app.example.com"},
	}
	for _, bad := range bads {
		env := map[string]string{}
		for k, v := range issuer.Env() {
			env[k] = v
		}
		for k, v := range bad {
			env[k] = v
		}
		if _, err := core.New(core.WithEnvironment(envMap(env))); err == nil || !strings.Contains(err.Error(), "COGNITO_AUTH_") {
			t.Errorf("%v: %v, want a configuration error naming the variable", bad, err)
		}
	}
	page := func(opts ...core.Option) string {
		a, _ := newAuth(t, nil, opts...)
		r, _ := http.NewRequest(http.MethodGet, "http://app/admin", nil)
		r.Header.Set("Accept", "text/html")
		return string(a.Failure(core.HTTPRequest(r), core.ErrForbidden).Body)
	}
	if p := page(); strings.Contains(p, "signout-link") || !strings.Contains(p, `id="start" href="/"`) {
		t.Fatalf("no settings:\n%s", p)
	}
	env := map[string]string{core.EnvSignOutURL: "/logout", core.EnvAppURL: "https://x.execute-api.eu-west-2.amazonaws.com/Prod"}
	if p := page(core.WithEnvironment(envMap(env))); !strings.Contains(p, `id="signout-link" href="/logout"`) || !strings.Contains(p, `id="start" href="/Prod/"`) {
		t.Fatalf("with the settings:\n%s", p)
	}
	if p := page(core.WithEnvironment(envMap(env)), core.WithSignOutURL("https://app.example.com/bye")); !strings.Contains(p, `href="https://app.example.com/bye"`) {
		t.Fatalf("the option over the variable:\n%s", p)
	}
}
