package core_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
)

const (
	testPool = "eu-west-2_AbCdEf123"
	testARN  = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/my-app/50dc6c495c0c9188"
)

func validEnv() map[string]string {
	return map[string]string{core.EnvUserPoolID: testPool, core.EnvALBARN: testARN}
}

func TestNewFromEnvironment(t *testing.T) {
	env := validEnv()
	env[core.EnvRegion] = "eu-west-1"
	env[core.EnvALBARN] = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-app/50dc6c495c0c9188"
	env[core.EnvClientID] = "abc123, def456"
	env[core.EnvRedirectURL] = "https://example.com/denied"
	a, err := core.New(core.WithEnvironment(envMap(env)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if got := a.Verifier().UserPoolIDs(); len(got) != 1 || got[0] != testPool {
		t.Fatalf("pools %q, want %s", got, testPool)
	}
	if loc := redirectOf(a); loc != "https://example.com/denied" {
		t.Fatalf("redirect %q", loc)
	}
	if _, err := authenticate(a, nil); core.CodeOf(err) != core.CodeMissingToken {
		t.Fatalf("dev mode on without being asked? %v", err)
	}
}

func TestOptionsOverrideEnvironment(t *testing.T) {
	env := validEnv()
	env[core.EnvUserPoolID] = "not a pool"
	env[core.EnvRedirectURL] = "javascript:alert(1)"
	a, err := core.New(core.WithEnvironment(envMap(env)), core.WithUserPoolIDs(testPool), core.WithRedirectURL("/login"))
	if err != nil {
		t.Fatalf("options should override the bad environment: %v", err)
	}
	defer a.Close()
	if loc := redirectOf(a); loc != "/login" {
		t.Fatalf("redirect %q", loc)
	}
}

func TestConfigProblemsAreReportedTogether(t *testing.T) {
	env := map[string]string{
		core.EnvRegion:      "mars-1",
		core.EnvUserPoolID:  "pool",
		core.EnvClientID:    "bad client!",
		core.EnvALBARN:      "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/x/1",
		core.EnvALBKeysURL:  "http://keys.example.com",
		core.EnvJWKSURL:     "https://user:pw@example.com/jwks",
		core.EnvRedirectURL: "//evil.example",
		core.EnvDevMode:     "maybe",
	}
	_, err := core.New(core.WithEnvironment(envMap(env)))
	if err == nil {
		t.Fatal("no error")
	}
	if !errors.Is(err, core.ErrConfig) {
		t.Fatalf("not ErrConfig: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"region", "user pool id", "client id", "ALB ARN", "ALB keys URL", "JWKS URL", "redirect URL", core.EnvDevMode} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %q:\n%s", want, msg)
		}
	}
}

func TestRequiredSettings(t *testing.T) {
	_, err := core.New(core.WithEnvironment(noEnv))
	if !errors.Is(err, core.ErrConfig) || !strings.Contains(err.Error(), "user pool id is required") || !strings.Contains(err.Error(), "ALB ARN is required") {
		t.Fatalf("want both required settings named, got %v", err)
	}
}

func TestBadOptionValuesAreErrors(t *testing.T) {
	for name, opt := range map[string]core.Option{
		"leeway":      core.WithLeeway(time.Hour),
		"cache":       core.WithTokenCache(-1, 0),
		"fetch limit": core.WithKeyFetchLimit(-1, 0),
		"keys URL":    core.WithALBKeysURL("ftp://example.com"),
	} {
		_, err := core.New(core.WithEnvironment(envMap(validEnv())), opt)
		if !errors.Is(err, core.ErrConfig) {
			t.Errorf("%s: want ErrConfig, got %v", name, err)
		}
	}
}

func TestDevMode(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "dev-mock-user.json")
	if err := os.WriteFile(file, []byte(`{"_comment":"dev only","email":"dev@corp.example","sub":"11111111-2222-3333-4444-555555555555","groups":["developers","admins"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	a, err := core.New(core.WithEnvironment(envMap(map[string]string{core.EnvDevMode: "yes", core.EnvDevConfig: file})), core.WithLogger(testLogger(logs)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if !strings.Contains(logs.String(), "DEV MODE IS ON") {
		t.Fatalf("no loud warning: %s", logs)
	}
	u, err := authenticate(a, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !u.IsMock() || u.Email != "dev@corp.example" || !u.IsAdmin() || u.Sub != "11111111-2222-3333-4444-555555555555" {
		t.Fatalf("mock user %+v", u)
	}
	u.Groups[0] = "changed"
	u2, _ := authenticate(a, nil)
	if u2.Groups[0] != "developers" {
		t.Fatal("mock user is shared mutable state")
	}
	// Headers present but no pool configured: refused, not the mock user.
	_, err = authenticate(a, mint())
	if !errors.Is(err, core.ErrInvalidToken) || core.CodeOf(err) != core.CodeNotConfigured {
		t.Fatalf("want not_configured, got %v", err)
	}
}

func TestDevModeDefaultsWithoutFile(t *testing.T) {
	t.Chdir(t.TempDir())
	a, err := core.New(core.WithEnvironment(noEnv), core.WithDevMode(true), core.WithLogger(testLogger(&syncBuffer{})))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	u, err := authenticate(a, nil)
	if err != nil || u.Email != "dev@example.com" {
		t.Fatalf("%v %v", u, err)
	}
}

func TestDevModeConfigErrors(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.json")
	_ = os.WriteFile(typo, []byte(`{"emial":"dev@example.com"}`), 0o600)
	broken := filepath.Join(dir, "broken.json")
	_ = os.WriteFile(broken, []byte(`{"email":`), 0o600)
	for name, path := range map[string]string{"unknown key": typo, "broken JSON": broken, "missing explicit file": filepath.Join(dir, "nope.json")} {
		_, err := core.New(core.WithEnvironment(noEnv), core.WithDevMode(true), core.WithDevConfig(path), core.WithLogger(testLogger(&syncBuffer{})))
		if !errors.Is(err, core.ErrConfig) {
			t.Errorf("%s: want ErrConfig, got %v", name, err)
		}
	}
	_, err := core.New(core.WithEnvironment(noEnv), core.WithDevMode(true), core.WithDevConfig(typo), core.WithLogger(testLogger(&syncBuffer{})))
	if err == nil || !strings.Contains(err.Error(), "emial") {
		t.Fatalf("the unknown key should be named: %v", err)
	}
}

func TestDevModeRefusedInProduction(t *testing.T) {
	cases := map[string]map[string]string{
		"ALB ARN set":       {core.EnvDevMode: "true", core.EnvALBARN: testARN},
		"real JWKS URL":     {core.EnvDevMode: "1", core.EnvJWKSURL: "https://cognito-idp.eu-west-2.amazonaws.com/" + testPool + "/.well-known/jwks.json"},
		"running on Lambda": {core.EnvDevMode: "true", "AWS_LAMBDA_FUNCTION_NAME": "fn"},
		"running on ECS":    {core.EnvDevMode: "true", "ECS_CONTAINER_METADATA_URI_V4": "http://169.254.170.2/v4/x"},
		"real ALB keys URL": {core.EnvDevMode: "true", core.EnvALBKeysURL: "https://public-keys.auth.elb.eu-west-2.amazonaws.com"},
	}
	for name, env := range cases {
		_, err := core.New(core.WithEnvironment(envMap(env)), core.WithLogger(testLogger(&syncBuffer{})))
		if !errors.Is(err, core.ErrConfig) || !strings.Contains(err.Error(), "dev mode refused") {
			t.Errorf("%s: want refusal, got %v", name, err)
		}
		env[core.EnvDevModeForce] = "true"
		logs := &syncBuffer{}
		a, err := core.New(core.WithEnvironment(envMap(env)), core.WithLogger(testLogger(logs)), core.WithUserPoolIDs(testPool))
		if err != nil {
			t.Errorf("%s forced: %v", name, err)
			continue
		}
		if !strings.Contains(logs.String(), "FORCED") {
			t.Errorf("%s: forcing is not logged loudly", name)
		}
		_ = a.Close()
	}
}

// redirectOf is where a browser without credentials is sent ("" for none).
func redirectOf(a *core.BaseAuth) string {
	r := newHTTPRequest()
	r.Header.Set("Accept", "text/html")
	return a.Failure(core.HTTPRequest(r), core.NewError(core.ErrMissingToken, core.CodeMissingToken, "")).Header.Get("Location")
}
