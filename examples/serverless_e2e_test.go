package examples_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// awsStandIn answers the two AWS calls the serverless example makes at
// start-up, as the real services' JSON protocol does, and counts them:
// Cognito's DescribeUserPoolClient (the app client's secret) and SSM's
// GetParameter (the session secret).
type awsStandIn struct {
	*httptest.Server
	mu    sync.Mutex
	calls map[string]int
}

func newAWSStandIn(t *testing.T, pool, client, clientSecret, parameter, sessionSecret string) *awsStandIn {
	a := &awsStandIn{calls: map[string]int{}}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.Header.Get("X-Amz-Target")
		var in map[string]any
		_ = json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in)
		if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
			http.Error(w, `{"__type":"MissingAuthenticationTokenException"}`, http.StatusBadRequest)
			return
		}
		a.mu.Lock()
		a.calls[target]++
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		switch {
		case target == "AWSCognitoIdentityProviderService.DescribeUserPoolClient" && in["UserPoolId"] == pool && in["ClientId"] == client:
			_ = json.NewEncoder(w).Encode(map[string]any{"UserPoolClient": map[string]any{
				"UserPoolId": pool, "ClientId": client, "ClientName": "serverless", "ClientSecret": clientSecret,
			}})
		case target == "AmazonSSM.GetParameter" && in["Name"] == parameter && in["WithDecryption"] == true:
			_ = json.NewEncoder(w).Encode(map[string]any{"Parameter": map[string]any{
				"Name": parameter, "Type": "SecureString", "Value": sessionSecret, "Version": 1,
			}})
		default:
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"__type":"ResourceNotFoundException","message":"not found"}`)
		}
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *awsStandIn) count(target string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls[target]
}

// TestServerlessExampleInRealBrowser runs the serverless example as a real
// Lambda function process behind apigateway-local (a real process too), for
// the REST API (payload 1.0) and the HTTP API (payload 2.0), both on stage
// Prod, and walks the hosted-UI login in headless Chromium under /Prod:
// protected page -> hosted UI -> back to /Prod/… with the user shown ->
// token expiry -> silent refresh -> sign out -> asked to log in again. The
// function fetches the client secret (DescribeUserPoolClient) and the
// session secret (SSM) once per execution environment, with the real AWS
// SDK pointed at a local stand-in.
func TestServerlessExampleInRealBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium is required (scripts/test.sh installs Debian's chromium): %v", err)
	}
	dir, err := binaries()
	if err != nil {
		t.Fatal(err)
	}
	for _, payload := range []string{"1.0", "2.0"} {
		t.Run("payload "+payload, func(t *testing.T) {
			port := freePort(t)
			app := "http://127.0.0.1:" + port + "/Prod"
			iss := ct.Start(t)
			ui := iss.StartHostedUI(ct.WithClientSecret("fetched-client-secret"), ct.WithRedirectURIs(app+"/login/cognito/authorized"),
				ct.WithLogoutURIs(app+"/"), ct.WithTokenTTL(3*time.Second))
			t.Cleanup(ui.Close)
			aws := newAWSStandIn(t, iss.UserPoolID(), iss.ClientID(), "fetched-client-secret",
				"/serverless/session-secret", "ssm-session-secret-0123456789abcdef-0123456789")

			out := &syncWriter{}
			env := append(os.Environ(), "COGNITO_AUTH_DOMAIN="+ui.URL(), "COGNITO_AUTH_APP_URL="+app,
				"SESSION_SECRET_PARAMETER=/serverless/session-secret",
				"AWS_ENDPOINT_URL="+aws.URL, "AWS_REGION=eu-west-2", "AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local",
				"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
			for k, v := range iss.Env() {
				if k != "COGNITO_AUTH_ALB_ARN" && k != "COGNITO_AUTH_ALB_KEYS_URL" {
					env = append(env, k+"="+v)
				}
			}
			startProcess(t, out, env, filepath.Join(dir, "apigateway-local"), "-listen", "127.0.0.1:"+port,
				"-payload", payload, "-stage", "Prod", "--", filepath.Join(dir, "serverless"))
			waitFor(t, app+"/health", out)

			walkInChromium(t, app, ui, out)

			for _, target := range []string{"AWSCognitoIdentityProviderService.DescribeUserPoolClient", "AmazonSSM.GetParameter"} {
				if n := aws.count(target); n != 1 {
					t.Errorf("%s called %d times; want once per execution environment", target, n)
				}
			}
		})
	}
}

// TestServerlessREADMELocalRun does what examples/serverless/README.md tells
// a person to do to run it locally: its command from the repository root,
// the URL it names opened in Chromium, the user and password it gives typed
// into the hosted UI's form; the app under /Prod shows who signed in.
func TestServerlessREADMELocalRun(t *testing.T) {
	b, err := os.ReadFile("serverless/README.md")
	if err != nil {
		t.Fatal(err)
	}
	local := section(t, string(b), "## Run it locally")
	command := find(t, local, "```sh\\n(\\./scripts/demo\\.sh serverless)\\n```", "the local-run command")
	open := find(t, local, "open <(http://127\\.0\\.0\\.1:\\d+/Prod/)>", "the URL to open")
	user := find(t, local, "sign in as `([^`]+)`", "the user")
	password := find(t, local, "with password `([^`]+)`", "the password")

	out := startREADMECommand(t, command)
	waitReady(t, open+"health", out)
	signInOnTheForm(t, open, user, password, out)
}
