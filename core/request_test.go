package core_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// TestHTTPRequestHeaderValues: every value of a header, duplicates
// included, under its canonical name or any other spelling of it; nothing
// for a header that was not sent.
func TestHTTPRequestHeaderValues(t *testing.T) {
	r, err := http.NewRequest(http.MethodGet, "http://app/", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Add("x-amzn-oidc-data", "one")
	r.Header.Add("X-Amzn-Oidc-Data", "two")
	req := core.HTTPRequest(r)
	for _, tc := range []struct {
		name string
		want []string
	}{
		{core.HeaderData, []string{"one", "two"}},
		{"x-amzn-oidc-data", []string{"one", "two"}},
		{"X-AMZN-OIDC-DATA", []string{"one", "two"}},
		{core.HeaderAccessToken, nil},
		{"authorization", nil},
	} {
		if got := req.HeaderValues(tc.name); !slices.Equal(got, tc.want) {
			t.Errorf("HeaderValues(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
