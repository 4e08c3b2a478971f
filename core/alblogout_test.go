package core_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
)

func TestALBLogout(t *testing.T) {
	l := core.ALBLogout{Domain: "my-app", Region: "eu-west-2", ClientID: "abc123", LogoutURI: "https://app.example.com/signed-out"}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		if err := l.Write(w, r); err != nil {
			t.Error(err)
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/logout", nil)
	req.Header.Set("Cookie", "AWSELBAuthSessionCookie-0=a; AWSELBAuthSessionCookie-1=b; AWSELBAuthSessionCookie-2=c; other=keep; AWSELBAuthSessionCookie-x=no")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Host != "my-app.auth.eu-west-2.amazoncognito.com" || loc.Path != "/logout" ||
		loc.Query().Get("client_id") != "abc123" || loc.Query().Get("logout_uri") != "https://app.example.com/signed-out" {
		t.Fatalf("redirect %d %s", resp.StatusCode, loc)
	}
	var expired []string
	for _, c := range resp.Cookies() {
		if c.MaxAge >= 0 || !c.Secure || c.Path != "/" {
			t.Fatalf("cookie %s not expired securely: %+v", c.Name, c)
		}
		expired = append(expired, c.Name)
	}
	sort.Strings(expired)
	if fmt.Sprint(expired) != "[AWSELBAuthSessionCookie-0 AWSELBAuthSessionCookie-1 AWSELBAuthSessionCookie-2]" {
		t.Fatalf("expired %v", expired)
	}
}

func TestHostedUIBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"my-app":                        "https://my-app.auth.eu-west-2.amazoncognito.com",
		"auth.example.com":              "https://auth.example.com",
		"https://auth.example.com/":     "https://auth.example.com",
		"http://127.0.0.1:9000/cognito": "http://127.0.0.1:9000/cognito",
	} {
		if got, err := awsurl.HostedUIBaseURL(in, "eu-west-2"); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "http://evil.example", "My_App", "auth.example.com.", "javascript:alert(1)"} {
		if _, err := awsurl.HostedUIBaseURL(bad, "eu-west-2"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := awsurl.HostedUIBaseURL("my-app", ""); err == nil || !strings.Contains(err.Error(), "region") {
		t.Fatal("prefix without region")
	}
}

// Sign a user out of an ALB: expire its session cookies, then Cognito /logout.
func ExampleALBLogout() {
	l := core.ALBLogout{Domain: "my-app", Region: "eu-west-2", ClientID: "abc123", LogoutURI: "https://app.example.com/"}
	r := httptest.NewRequest(http.MethodPost, "/logout", nil)
	r.Header.Set("Cookie", "AWSELBAuthSessionCookie-0=x; AWSELBAuthSessionCookie-1=y")
	w := httptest.NewRecorder()
	_ = l.Write(w, r)
	fmt.Println(w.Code, w.Header().Get("Location"))
	fmt.Println(len(w.Result().Cookies()), "cookies expired")
	// Output:
	// 302 https://my-app.auth.eu-west-2.amazoncognito.com/logout?client_id=abc123&logout_uri=https%3A%2F%2Fapp.example.com%2F
	// 2 cookies expired
}
