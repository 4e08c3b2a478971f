package web

import (
	"testing"
)

func TestSafeReturnPath(t *testing.T) {
	for in, want := range map[string]string{
		"/reports?q=1": "/reports?q=1", "/": "/", "": "/", "//evil.com": "/", "/\\evil.com": "/",
		"https://evil.com": "/", "javascript:alert(1)": "/", "/a\r\nLocation: x": "/", "evil.com": "/",
		"/%2F%2Fevil.com": "/%2F%2Fevil.com", "/a\\b": "/", "/\t/evil.com": "/",
	} {
		if got := SafeReturnPath(in); got != want {
			t.Errorf("SafeReturnPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWantsHTML(t *testing.T) {
	for accept, want := range map[string]bool{
		"text/html,application/xhtml+xml;q=0.9": true, "application/json": false, "": false, "*/*": false,
		"application/json, text/html": false, "TEXT/HTML; q=1": true, "application/problem+json": false,
	} {
		if got := WantsHTML([]string{accept}); got != want {
			t.Errorf("WantsHTML(%q) = %v", accept, got)
		}
	}
}
