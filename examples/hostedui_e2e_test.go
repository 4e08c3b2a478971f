package examples_test

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// TestCognitoLocalHostedUI runs each example app in hosted-UI mode behind
// nothing: cognito-local -hosted-ui serves the login pages and keys and
// starts the app, which runs the OAuth2 login itself.
func TestCognitoLocalHostedUI(t *testing.T) {
	dir, err := binaries()
	if err != nil {
		t.Fatal(err)
	}
	for _, fw := range []string{"nethttp", "gin", "echo", "fiber", "chi", "echov5", "fiberv3"} {
		t.Run(fw, func(t *testing.T) {
			localPort, appPort := freePort(t), freePort(t)
			out := &syncWriter{}
			startProcess(t, out, nil, filepath.Join(dir, "cognito-local"), "-hosted-ui",
				"-listen", "127.0.0.1:"+localPort, "-upstream", "http://127.0.0.1:"+appPort, "--", filepath.Join(dir, fw))
			local, app := "http://127.0.0.1:"+localPort, "http://127.0.0.1:"+appPort
			waitFor(t, local+"/.cognito-local/healthz", out)
			waitFor(t, app+"/health", out)

			b := newBrowser(t)
			resp, _ := b.do(http.MethodGet, app+"/", nil, html)
			if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), "/login/cognito") {
				t.Fatalf("protected page: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), out)
			}
			resp, _ = b.do(http.MethodGet, app+resp.Header.Get("Location"), nil, html)
			authz, _ := url.Parse(resp.Header.Get("Location"))
			if !strings.HasPrefix(authz.String(), local+"/.cognito-local/ui/oauth2/authorize") {
				t.Fatalf("login route: %d %s", resp.StatusCode, authz)
			}
			f := authz.Query()
			f.Set("username", "alice@example.com")
			f.Set("password", ct.DefaultPassword)
			resp, _ = b.do(http.MethodPost, local+"/.cognito-local/ui/login", f, html)
			resp, _ = b.do(http.MethodGet, resp.Header.Get("Location"), nil, html)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("callback: %d\n%s", resp.StatusCode, out)
			}
			resp, body := b.do(http.MethodGet, app+resp.Header.Get("Location"), nil, html)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `<strong id="email">alice@example.com</strong>`) {
				t.Fatalf("after signing in: %d\n%s", resp.StatusCode, out)
			}
			if resp, _ = b.do(http.MethodGet, app+"/admin", nil, html); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("/admin as alice: %d", resp.StatusCode)
			}
		})
	}
}
