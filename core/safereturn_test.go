package core_test

import (
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
)

func TestSafeReturnPath(t *testing.T) {
	for in, want := range map[string]string{
		"/reports?q=1": "/reports?q=1", "/": "/", "": "/", "//evil.com": "/", "/\\evil.com": "/",
		"https://evil.com": "/", "javascript:alert(1)": "/", "/a\r\nLocation: x": "/", "evil.com": "/",
		"/%2F%2Fevil.com": "/%2F%2Fevil.com", "/a\\b": "/", "/\t/evil.com": "/",
	} {
		if got := core.SafeReturnPath(in); got != want {
			t.Errorf("SafeReturnPath(%q) = %q, want %q", in, got, want)
		}
	}
}
