package m2m_test

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/m2m"
)

func envOf(m map[string]string) m2m.Option {
	return m2m.WithEnvironment(func(k string) (string, bool) { v, ok := m[k]; return v, ok })
}

// TestConfigErrorsTogether: every configuration problem is reported at
// once, as a *core.Error with code invalid_config.
func TestConfigErrorsTogether(t *testing.T) {
	_, err := m2m.New(m2m.WithEnvironment(noEnv), m2m.WithScopes("orders/read", "openid", "orders/"),
		m2m.WithAuthStyle(oauth2.AuthStyleAutoDetect), m2m.WithRetryBackoff(0, 0), m2m.WithHTTPClient(nil), m2m.WithLogger(nil))
	if !errors.Is(err, core.ErrConfig) || core.CodeOf(err) != core.CodeInvalidConfig {
		t.Fatalf("%v, want an invalid_config error", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"the calling app client's id is needed (COGNITO_AUTH_M2M_CLIENT_ID or WithClient)",
		"the calling app client's secret is needed (COGNITO_AUTH_M2M_CLIENT_SECRET, WithClient or WithClientSecretFunc)",
		"the user pool domain is needed (COGNITO_AUTH_DOMAIN)",
		`scope "openid" is not a custom scope`,
		`scope "orders/" is not a custom scope`,
		"WithAuthStyle: use oauth2.AuthStyleInHeader",
		"WithRetryBackoff(0s, 0s)",
		"WithHTTPClient(nil)",
		"WithLogger(nil)",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not say %q:\n%s", want, msg)
		}
	}
	if n := strings.Count(msg, "m2m: "); n != 9 {
		t.Errorf("%d problems reported, want 9:\n%s", n, msg)
	}
}

// TestConfigDomain: the domain takes core/hostedui's forms; a prefix takes
// the region of the pool, else COGNITO_AUTH_REGION, else WithRegion's.
func TestConfigDomain(t *testing.T) {
	client := map[string]string{m2m.EnvClientID: worker, m2m.EnvClientSecret: workerSecret}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for _, m := range []map[string]string{client, extra} {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	for _, c := range []struct {
		name string
		env  map[string]string
		opts []m2m.Option
		want string // the token URL, or the start of the error
	}{
		{"a prefix and the pool's region", with(map[string]string{m2m.EnvDomain: "my-app", core.EnvUserPoolID: "eu-west-2_AbC, us-east-1_DeF", core.EnvRegion: "us-east-1"}), nil, "https://my-app.auth.eu-west-2.amazoncognito.com/oauth2/token"},
		{"a prefix and COGNITO_AUTH_REGION", with(map[string]string{m2m.EnvDomain: "my-app", core.EnvRegion: "ap-southeast-2"}), nil, "https://my-app.auth.ap-southeast-2.amazoncognito.com/oauth2/token"},
		{"a prefix and WithRegion", with(map[string]string{m2m.EnvDomain: "my-app", core.EnvUserPoolID: "eu-west-2_AbC"}), []m2m.Option{m2m.WithRegion("us-west-2")}, "https://my-app.auth.us-west-2.amazoncognito.com/oauth2/token"},
		{"a custom domain", with(map[string]string{m2m.EnvDomain: "auth.example.com"}), nil, "https://auth.example.com/oauth2/token"},
		{"a URL", with(map[string]string{m2m.EnvDomain: "https://auth.example.com/"}), nil, "https://auth.example.com/oauth2/token"},
		{"WithDomain over the environment", with(map[string]string{m2m.EnvDomain: "auth.example.com"}), []m2m.Option{m2m.WithDomain("http://127.0.0.1:9000/.cognito-local/ui")}, "http://127.0.0.1:9000/.cognito-local/ui/oauth2/token"},
		{"a prefix without a region", with(map[string]string{m2m.EnvDomain: "my-app"}), nil, "m2m: COGNITO_AUTH_DOMAIN: a Cognito domain prefix needs a region"},
		{"http off loopback", with(map[string]string{m2m.EnvDomain: "http://auth.example.com"}), nil, `m2m: COGNITO_AUTH_DOMAIN: "http://auth.example.com" must use https`},
		{"a client id that is none", with(map[string]string{m2m.EnvDomain: "auth.example.com", m2m.EnvClientID: "worker:1"}), nil, `m2m: client id "worker:1" is not an app client id`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ts, err := m2m.New(append([]m2m.Option{envOf(c.env)}, c.opts...)...)
			if err != nil {
				if !strings.Contains(err.Error(), c.want) {
					t.Fatalf("%v, want %q", err, c.want)
				}
				return
			}
			defer func() { _ = ts.Close() }()
			if ts.TokenURL() != c.want {
				t.Fatalf("token URL %q, want %q", ts.TokenURL(), c.want)
			}
		})
	}
}

// TestConfigSecretFunc: the secret function's failure is a configuration
// error, and it is not called when a secret is set.
func TestConfigSecretFunc(t *testing.T) {
	base := []m2m.Option{m2m.WithEnvironment(noEnv), m2m.WithDomain("auth.example.com")}
	_, err := m2m.New(append(base, m2m.WithClient(worker, ""), m2m.WithClientSecretFunc(func() (string, error) {
		return "", errors.New("AccessDeniedException")
	}))...)
	if core.CodeOf(err) != core.CodeInvalidConfig || !strings.Contains(err.Error(), "fetching the client secret: AccessDeniedException") {
		t.Fatalf("%v", err)
	}
	called := false
	ts, err := m2m.New(append(base, m2m.WithClient(worker, workerSecret), m2m.WithClientSecretFunc(func() (string, error) {
		called = true
		return "", nil
	}))...)
	if err != nil || called {
		t.Fatalf("%v (called %v)", err, called)
	}
	_ = ts.Close()
}
