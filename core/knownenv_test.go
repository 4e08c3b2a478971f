package core_test

import (
	"bytes"
	"errors"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
	"github.com/cognitoauth/cognito-auth-go/core/m2m"
)

// environ is a whole environment for New: read through WithEnvironment and
// listed through WithEnvironmentNames.
func environ(env map[string]string) []core.Option {
	return []core.Option{
		core.WithEnvironment(envMap(env)),
		core.WithEnvironmentNames(func() []string { return slices.Sorted(maps.Keys(env)) }),
	}
}

// logTo returns a logger writing text to buf.
func logTo(buf *bytes.Buffer) core.VerifierOption {
	return core.WithLogger(slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelInfo})))
}

// with returns env with the pairs set ("" deletes).
func with(env map[string]string, kv ...string) map[string]string {
	out := maps.Clone(env)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(out, kv[i])
			continue
		}
		out[kv[i]] = kv[i+1]
	}
	return out
}

func startAuth(t *testing.T, opts ...core.Option) error {
	t.Helper()
	a, err := core.New(opts...)
	if err == nil {
		_ = a.Close()
	}
	return err
}

// TestUnknownEnvWarns: a COGNITO_AUTH_* variable no package reads is logged
// at start-up, as a warning naming the closest known variable; its value
// never is.
func TestUnknownEnvWarns(t *testing.T) {
	env := ct.Start(t).Env()
	env["COGNITO_AUTH_BEARERR"] = "secret-looking-value"
	env["COGNITO_AUTH_WIDGETS"] = "secret-looking-value"
	var log bytes.Buffer
	if err := startAuth(t, append(environ(env), logTo(&log))...); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`level=WARN msg="cognito-auth: unknown environment variable COGNITO_AUTH_BEARERR: did you mean COGNITO_AUTH_BEARER?" variable=COGNITO_AUTH_BEARERR did_you_mean=COGNITO_AUTH_BEARER`,
		`level=WARN msg="cognito-auth: unknown environment variable COGNITO_AUTH_WIDGETS: no package of cognito-auth-go reads it" variable=COGNITO_AUTH_WIDGETS did_you_mean=""`,
		`hint="set COGNITO_AUTH_STRICT_ENV=true to make this an error; declare the app's own variables with core.WithOwnEnv"`,
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("the log lacks %q:\n%s", want, log.String())
		}
	}
	if strings.Contains(log.String(), "secret-looking-value") {
		t.Errorf("a value was logged:\n%s", log.String())
	}
}

// TestUnknownEnvStrict: with COGNITO_AUTH_STRICT_ENV=true (or
// WithStrictEnv) an unknown variable is a configuration error.
func TestUnknownEnvStrict(t *testing.T) {
	env := ct.Start(t).Env()
	env["COGNITO_AUTH_CLIENTID"] = "x"
	const want = "unknown environment variable COGNITO_AUTH_CLIENTID: did you mean COGNITO_AUTH_CLIENT_ID? (unknown COGNITO_AUTH_* variables are errors with COGNITO_AUTH_STRICT_ENV=true or core.WithStrictEnv"
	for name, opts := range map[string][]core.Option{
		"variable": environ(with(env, core.EnvStrictEnv, "true")),
		"option":   append(environ(env), core.WithStrictEnv(true)),
	} {
		var log bytes.Buffer
		err := startAuth(t, append(opts, logTo(&log))...)
		if !errors.Is(err, core.ErrConfig) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, want)
		}
		if strings.Contains(log.String(), "COGNITO_AUTH_CLIENTID") {
			t.Errorf("%s: logged as well as refused:\n%s", name, log.String())
		}
	}
	// NewVerifier checks too.
	v, err := core.NewVerifier(core.WithEnvironment(envMap(env)), core.WithEnvironmentNames(func() []string { return []string{"COGNITO_AUTH_CLIENTID=x"} }), core.WithStrictEnv(true))
	if err == nil {
		_ = v.Close()
		t.Fatal("NewVerifier accepted an unknown variable in strict mode")
	}
}

// TestMissingSettingNamesItsNearMiss: when a required setting is missing
// and a variable close to its name is set, the error for the missing
// setting says so.
func TestMissingSettingNamesItsNearMiss(t *testing.T) {
	iss := ct.Start(t)
	env := iss.Env()
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{
			"pool", with(env, core.EnvUserPoolID, "", "COGNITO_AUTH_USERPOOL_ID", iss.UserPoolID()),
			"user pool id is required (COGNITO_AUTH_USER_POOL_ID, comma-separated for several pools, e.g. eu-west-2_AbCdEf123); COGNITO_AUTH_USERPOOL_ID is set: did you mean COGNITO_AUTH_USER_POOL_ID?",
		},
		{
			"ALB ARN", with(env, core.EnvALBARN, "", "COGNITO_AUTH_ALB_ARNS", iss.ALBARN()),
			"or dev mode are used; COGNITO_AUTH_ALB_ARNS is set: did you mean COGNITO_AUTH_ALB_ARN?",
		},
		{
			"ALB ARN or bearer", with(env, core.EnvALBARN, "", "cognito_auth_bearer", "true"),
			"or dev mode are used; cognito_auth_bearer is set: did you mean COGNITO_AUTH_BEARER?",
		},
	} {
		var log bytes.Buffer
		err := startAuth(t, append(environ(tc.env), logTo(&log))...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v\nwant it to say %q", tc.name, err, tc.want)
		}
		if log.Len() > 0 && strings.Contains(log.String(), "unknown environment variable") {
			t.Errorf("%s: warned as well as refused:\n%s", tc.name, log.String())
		}
	}
}

// TestKnownEnvIsNotReported: every known variable — core's and those of
// the packages that build on it — and the app's own (WithOwnEnv) pass
// without a word.
func TestKnownEnvIsNotReported(t *testing.T) {
	env := ct.Start(t).Env()
	names := slices.Sorted(maps.Keys(env))
	for _, v := range core.KnownEnv() {
		names = append(names, v.Name+"=whatever")
	}
	names = append(names, "COGNITO_AUTH_REDIS_URL=redis://127.0.0.1:1", "PATH=/bin", "AWS_REGION=eu-west-2")
	var log bytes.Buffer
	err := startAuth(t, core.WithEnvironment(envMap(env)), core.WithEnvironmentNames(func() []string { return names }),
		core.WithOwnEnv("COGNITO_AUTH_REDIS_URL"), core.WithStrictEnv(true), logTo(&log))
	if err != nil || strings.Contains(log.String(), "unknown environment variable") {
		t.Fatalf("%v\n%s", err, log.String())
	}
}

// TestUnknownEnvSources: the process environment is listed by default;
// WithEnvironment alone lists nothing (a lookup cannot be listed); a
// shared Verifier reports once, not again in New.
func TestUnknownEnvSources(t *testing.T) {
	iss := ct.Start(t)
	t.Setenv("COGNITO_AUTH_USERPOOLID", "from the process")
	// The issuer's settings as options, the process environment unreplaced.
	opts := []core.VerifierOption{
		core.WithUserPoolIDs(iss.UserPoolID()), core.WithClientIDs(iss.ClientID()), core.WithALBARNs(iss.ALBARN()),
		core.WithALBKeysURL(iss.ALBKeysURL()), core.WithJWKSURL(iss.JWKSURL()),
	}
	var guardOpts []core.Option
	for _, o := range opts {
		guardOpts = append(guardOpts, o)
	}
	var quiet bytes.Buffer
	if err := startAuth(t, append(guardOpts, core.WithStrictEnv(true), logTo(&quiet))...); err == nil || !strings.Contains(err.Error(), "COGNITO_AUTH_USERPOOLID") {
		t.Errorf("the process environment was not checked: %v", err)
	}
	if err := startAuth(t, core.WithEnvironment(envMap(iss.Env())), core.WithStrictEnv(true), logTo(&quiet)); err != nil {
		t.Errorf("WithEnvironment alone: %v (the process environment is not the one read)", err)
	}
	var log bytes.Buffer
	v, err := core.NewVerifier(append(opts, logTo(&log))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	if err := startAuth(t, core.WithVerifier(v), core.WithBearer(true), logTo(&log)); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log.String(), "unknown environment variable COGNITO_AUTH_USERPOOLID"); n != 1 {
		t.Errorf("reported %d times, want once:\n%s", n, log.String())
	}
}

// TestNearMissInHostedUIAndM2M: the packages that read their own
// variables name a near miss in the error for a missing setting too.
func TestNearMissInHostedUIAndM2M(t *testing.T) {
	iss := ct.Start(t)
	v, err := core.NewVerifier(iss.VerifierOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	env := map[string]string{"COGNITO_AUTH_DOMIAN": "my-app", "COGNITO_AUTH_SESSION_SECRETS": "x"}
	list := func() []string { return slices.Sorted(maps.Keys(env)) }
	_, err = hostedui.New(v, hostedui.WithEnvironment(envMap(env)), hostedui.WithEnvironmentNames(list))
	for _, want := range []string{
		"COGNITO_AUTH_DOMIAN is set: did you mean COGNITO_AUTH_DOMAIN?",
		"COGNITO_AUTH_SESSION_SECRETS is set: did you mean COGNITO_AUTH_SESSION_SECRET?",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("hostedui: %v\nwant it to say %q", err, want)
		}
	}
	env = map[string]string{"COGNITO_AUTH_M2M_CLIENTID": "worker", "COGNITO_AUTH_DOMAIN": "https://auth.example.com"}
	_, err = m2m.New(m2m.WithEnvironment(envMap(env)), m2m.WithEnvironmentNames(list))
	if want := "COGNITO_AUTH_M2M_CLIENTID is set: did you mean COGNITO_AUTH_M2M_CLIENT_ID?"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("m2m: %v\nwant it to say %q", err, want)
	}
}

// The COGNITO_AUTH_ names of the repository's Go code that are not
// library variables: test files' deliberate misspellings, and the demo's
// own variable, which it declares with core.WithOwnEnv.
var notLibraryEnv = map[string]string{
	"COGNITO_AUTH_REDIS_URL": "examples/internal/demo/demo.go",
}

var reEnvName = regexp.MustCompile(`COGNITO_AUTH_[A-Z0-9_]*[A-Z0-9]`)

// TestKnownEnvCoversTheRepository greps every Go file of the repository
// for COGNITO_AUTH_ names: each must be a known variable (KnownEnv), so no
// module's variable is ever reported as unknown — or, in a test file, a
// deliberate misspelling that the test shows unknown. Every known variable
// is read somewhere and documented under docs/.
func TestKnownEnvCoversTheRepository(t *testing.T) {
	root := ".."
	if _, err := os.Stat(filepath.Join(root, "go.work")); err != nil {
		t.Skip("not in the repository (a module download has only core)")
	}
	known := map[string]bool{}
	for _, v := range core.KnownEnv() {
		known[v.Name] = true
	}
	used := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "node_modules" || d.Name() == "site") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.Contains(filepath.ToSlash(path), "core/internal/envcheck/") {
			return nil // the list itself, and its examples of misspellings
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		test := strings.HasSuffix(path, "_test.go")
		seen := map[string]bool{}
		for _, name := range reEnvName.FindAllString(string(src), -1) {
			if seen[name] {
				continue
			}
			seen[name] = true
			used[name] = true
			switch {
			case known[name]:
			case notLibraryEnv[name] != "":
				if where := filepath.Join(root, notLibraryEnv[name]); !strings.Contains(readFile(t, where), "core.WithOwnEnv(") {
					t.Errorf("%s uses %s but does not declare it with core.WithOwnEnv", where, name)
				}
			case test && strings.Contains(string(src), "did you mean"):
				// a test of the check itself, misspelling on purpose
			default:
				t.Errorf("%s: %s is not in core.KnownEnv: add it (with its owner) to core/internal/envcheck", path, name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, d := range docs {
		all.WriteString(readFile(t, d))
	}
	for name := range known {
		if !used[name] {
			t.Errorf("%s is known but nothing reads it", name)
		}
		if !strings.Contains(all.String(), "`"+name+"`") {
			t.Errorf("%s is not documented in docs/*.md", name)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
