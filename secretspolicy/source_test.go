package secretspolicy_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/secretspolicy"
)

const secretName = "my-app/auth-policy"

// fakeSecretsManager speaks the Secrets Manager JSON 1.1 protocol for
// GetSecretValue, with a switchable failure mode.
type fakeSecretsManager struct {
	*httptest.Server
	mu     sync.Mutex
	secret string
	mode   string // "", "throttle", "500", "denied", "missing"
	calls  atomic.Int64
	t      *testing.T
}

func newFake(t *testing.T, secret string) *fakeSecretsManager {
	f := &fakeSecretsManager{secret: secret, t: t}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSecretsManager) set(secret, mode string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.secret, f.mode = secret, mode
}

func (f *fakeSecretsManager) serve(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" ||
		r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		f.t.Errorf("unexpected request: %s %s target=%q type=%q", r.Method, r.URL, r.Header.Get("X-Amz-Target"), r.Header.Get("Content-Type"))
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDTEST/") {
		f.t.Errorf("request not SigV4-signed: %q", r.Header.Get("Authorization"))
	}
	var in struct {
		SecretID string `json:"SecretId"`
	}
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &in); err != nil || in.SecretID != secretName {
		f.t.Errorf("bad body %s", body)
	}
	f.mu.Lock()
	secret, mode := f.secret, f.mode
	f.mu.Unlock()
	fail := func(status int, typ, msg string) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", typ)
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
	}
	switch mode {
	case "throttle":
		fail(http.StatusBadRequest, "ThrottlingException", "Rate exceeded")
		return
	case "500":
		fail(http.StatusInternalServerError, "InternalServiceError", "internal error")
		return
	case "denied":
		fail(http.StatusBadRequest, "AccessDeniedException", "User is not authorized to perform secretsmanager:GetSecretValue")
		return
	case "missing":
		fail(http.StatusBadRequest, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"ARN": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:" + secretName + "-AbCdEf", "Name": secretName,
		"SecretString": secret, "VersionId": "11111111-2222-3333-4444-555555555555",
		"VersionStages": []string{"AWSCURRENT"}, "CreatedDate": 1.7e9,
	})
}

// client is a real aws-sdk-go-v2 Secrets Manager client pointed at the fake.
func (f *fakeSecretsManager) client() *secretsmanager.Client {
	return secretsmanager.New(secretsmanager.Options{
		Region:       "eu-west-2",
		BaseEndpoint: aws.String(f.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 2
			o.MaxBackoff = 5 * time.Millisecond
		}),
		HTTPClient: f.Client(),
	})
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func setup(t *testing.T, secret string) (*fakeSecretsManager, *core.BaseAuth, *ct.Issuer) {
	t.Helper()
	fake := newFake(t, secret)
	src, err := secretspolicy.New(fake.client(), secretName)
	if err != nil {
		t.Fatal(err)
	}
	iss := ct.Start(t)
	a, err := core.New(append(iss.Options(), core.WithPolicySource(src), core.WithPolicyReloadInterval(time.Hour), core.WithLogger(quiet))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return fake, a, iss
}

func allowed(t *testing.T, a *core.BaseAuth, iss *ct.Issuer, groups ...string) error {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	iss.Mint(ct.User{Email: "someone@example.com", Groups: groups}).Apply(r)
	_, err := a.Authenticate(context.Background(), core.HTTPRequest(r))
	return err
}

func TestSecretChangesArePickedUpOnReload(t *testing.T) {
	fake, a, iss := setup(t, `{"allowed_groups": ["dev"]}`)
	if err := allowed(t, a, iss, "dev"); err != nil {
		t.Fatal(err)
	}
	if err := allowed(t, a, iss, "ops"); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("ops under the first policy: %v", err)
	}
	fake.set(`{"_comment": "rotated", "allowed_groups": ["ops"]}`, "")
	if err := a.PolicyWatcher().Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := allowed(t, a, iss, "ops"); err != nil {
		t.Fatalf("changed secret not picked up: %v", err)
	}
	if err := allowed(t, a, iss, "dev"); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("old policy still applied: %v", err)
	}
}

func TestFailedReadsKeepTheLastGoodPolicy(t *testing.T) {
	for _, tc := range []struct{ name, secret, mode string }{
		{"throttling", "", "throttle"},
		{"HTTP 500", "", "500"},
		{"access denied", "", "denied"},
		{"secret deleted", "", "missing"},
		{"malformed JSON", `{"allowed_groups": [`, ""},
		{"unknown key", `{"allowed_grups": ["ops"]}`, ""},
		{"empty policy", `{}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, a, iss := setup(t, `{"allowed_groups": ["dev"]}`)
			fake.set(tc.secret, tc.mode)
			if err := a.PolicyWatcher().Reload(context.Background()); err == nil {
				t.Fatal("reload reported success")
			}
			if err := allowed(t, a, iss, "dev"); err != nil {
				t.Fatalf("last good policy lost: %v", err)
			}
			if err := allowed(t, a, iss, "ops"); !errors.Is(err, core.ErrForbidden) {
				t.Fatalf("bad secret changed the policy: %v", err)
			}
			if _, last := a.PolicyWatcher().Status(); last == nil {
				t.Fatal("status does not report the failure")
			}
		})
	}
}

func TestThrottlingIsRetriedBySDK(t *testing.T) {
	fake, a, _ := setup(t, `{"allowed_groups": ["dev"]}`)
	fake.set("", "throttle")
	before := fake.calls.Load()
	_ = a.PolicyWatcher().Reload(context.Background())
	if n := fake.calls.Load() - before; n != 2 {
		t.Fatalf("%d calls: the SDK's retryer (2 attempts) did not run", n)
	}
}

func TestNeverLoadedDeniesAllUntilTheSecretLoads(t *testing.T) {
	fake := newFake(t, "")
	fake.set("", "denied")
	src, _ := secretspolicy.New(fake.client(), secretName)
	iss := ct.Start(t)
	a, err := core.New(append(iss.Options(), core.WithPolicySource(src), core.WithPolicyReloadInterval(time.Hour), core.WithLogger(quiet))...)
	if err != nil {
		t.Fatalf("an unreachable secret must not stop start-up: %v", err)
	}
	defer a.Close()
	for _, groups := range [][]string{{"dev"}, {"admins"}, nil} {
		err := allowed(t, a, iss, groups...)
		if !errors.Is(err, core.ErrUnavailable) || core.CodeOf(err) != core.CodePolicyNotLoaded {
			t.Fatalf("groups %v with no policy: %v", groups, err)
		}
	}
	fake.set(`{"allowed_groups": ["dev"]}`, "")
	if err := a.PolicyWatcher().Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := allowed(t, a, iss, "dev"); err != nil {
		t.Fatalf("after the secret loaded: %v", err)
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := secretspolicy.New(nil, secretName); err == nil {
		t.Fatal("nil client accepted")
	}
	if _, err := secretspolicy.New(newFake(t, "").client(), " "); err == nil {
		t.Fatal("empty name accepted")
	}
	t.Setenv(core.EnvSecretName, "")
	if _, err := secretspolicy.FromEnv(context.Background()); err == nil {
		t.Fatal("FromEnv without a name")
	}
}
