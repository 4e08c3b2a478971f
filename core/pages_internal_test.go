package core

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestRefusalPageTexts: each refusal code family gets its own words, the
// verified user's name when the refusal knows it, and the links a person
// can act on; the page keeps the strict Content-Security-Policy.
func TestRefusalPageTexts(t *testing.T) {
	alice := &User{Email: "alice@example.com", Username: "alice"}
	bob := &User{Username: "bob"} // no email: the username is shown
	machine := &User{Machine: true, Sub: "client-1", ClientID: "client-1"}
	ps := pageSetup{signOut: func(back string) string { return "/logout/cognito?rd=" + back }, start: "/app/"}
	cases := []struct {
		name        string
		err         error
		status      int
		title, says string
		who         string
		links       []string // link ids, in order
	}{
		{"missing", newError(ErrMissingToken, CodeMissingToken, ""), 401, "Sign-in required", "You need to sign in", "", []string{LinkStart}},
		{"malformed", newError(ErrInvalidToken, CodeDuplicateHeader, ""), 401, "Request refused", "could not be read", "", []string{LinkSignIn, LinkStart}},
		{"invalid", newError(ErrInvalidToken, CodeInvalidSignature, ""), 401, "Sign-in required", "could not be verified", "", []string{LinkSignIn, LinkStart}},
		{"expired", newError(ErrExpiredToken, CodeTokenExpired, ""), 401, "Your sign-in has expired", "has expired", "", []string{LinkSignIn, LinkStart}},
		{"revoked", newError(ErrInvalidToken, CodeTokenRevoked, ""), 401, "Your sign-in has ended", "signed out elsewhere", "", []string{LinkSignIn, LinkStart}},
		{"too old", recentSignIn{within: 5}.refusal(alice), 401, "Sign in again", "needs a recent sign-in", "alice@example.com", []string{LinkSignIn, LinkStart}},
		{"policy", newError(ErrForbidden, CodeForbidden, "").forUser(alice), 403, "Access denied", "access policy does not let your account in", "alice@example.com", []string{LinkSignOut, LinkStart}},
		{"route rule", newError(ErrForbidden, CodeRouteForbidden, "").forUser(alice), 403, "Access denied", "only for some users or groups", "alice@example.com", []string{LinkSignOut, LinkStart}},
		{"route rule, username", newError(ErrForbidden, CodeRouteForbidden, "").forUser(bob), 403, "Access denied", "only for some users or groups", "bob", []string{LinkSignOut, LinkStart}},
		{"machine", newError(ErrForbidden, CodeMachineForbidden, "").forUser(machine), 403, "Access denied", "not open to machine clients", "", []string{LinkSignOut, LinkStart}},
		{"cross origin", newError(ErrForbidden, CodeCrossOrigin, ""), 403, "Request refused", "came from another site", "", []string{LinkSignOut, LinkStart}},
		{"email unverified", newError(ErrForbidden, CodeEmailUnverified, ""), 403, "Email not verified", "not verified yet", "", []string{LinkSignOut, LinkStart}},
		{"forbidden, no code", ErrForbidden, 403, "Access denied", "You do not have access", "", []string{LinkSignOut, LinkStart}},
		{"keys down", newError(ErrUnavailable, CodeKeyUnavailable, ""), 503, "Temporarily unavailable", "Sign-in could not be checked right now", "", []string{LinkRetry, LinkSignOut, LinkStart}},
		{"policy not loaded", newError(ErrUnavailable, CodePolicyNotLoaded, ""), 503, "Temporarily unavailable", "access rules have not loaded", "", []string{LinkRetry, LinkSignOut, LinkStart}},
		{"revalidation down", newError(ErrUnavailable, CodeRevalidationUnavailable, ""), 503, "Temporarily unavailable", "checked with the sign-in service", "", []string{LinkRetry, LinkSignOut, LinkStart}},
		{"config", newError(ErrConfig, CodeNotConfigured, ""), 500, "Server error", "not configured correctly", "", []string{LinkStart}},
	}
	ids := regexp.MustCompile(`<a class="button[^"]*" id="([^"]+)" href="([^"]*)"`)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, "http://app/admin?x=1", nil)
			r.Header.Set("Accept", "text/html")
			resp := decideFailure(HTTPRequest(r), tc.err, ps)
			body := string(resp.Body)
			if resp.Status != tc.status {
				t.Fatalf("status %d, want %d", resp.Status, tc.status)
			}
			if !strings.Contains(body, "<h1 id=\"title\">"+html.EscapeString(tc.title)+"</h1>") || !strings.Contains(html.UnescapeString(body), tc.says) {
				t.Fatalf("page does not say %q / %q:\n%s", tc.title, tc.says, body)
			}
			if !strings.Contains(body, "<title>"+strconv.Itoa(tc.status)+" ") {
				t.Fatalf("the title names no status:\n%s", body)
			}
			who := "Signed in as <strong>" + tc.who + "</strong>"
			if strings.Contains(body, "signed-in-as") != (tc.who != "") || (tc.who != "" && !strings.Contains(body, who)) {
				t.Fatalf("want signed in as %q:\n%s", tc.who, body)
			}
			var got []string
			for _, m := range ids.FindAllStringSubmatch(body, -1) {
				got = append(got, m[1])
				switch m[1] {
				case LinkSignOut, LinkSignIn:
					if m[2] != "/logout/cognito?rd=/admin?x=1" {
						t.Errorf("%s goes to %q", m[1], m[2])
					}
				case LinkStart:
					if m[2] != "/app/" {
						t.Errorf("start goes to %q", m[2])
					}
				case LinkRetry:
					if m[2] != "" {
						t.Errorf("retry goes to %q, want the page itself", m[2])
					}
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.links, ",") {
				t.Fatalf("links %v, want %v", got, tc.links)
			}
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "style-src 'sha256-") || strings.Contains(csp, "unsafe") || !strings.HasPrefix(csp, "default-src 'none'") {
				t.Fatalf("CSP %q", csp)
			}
			if strings.Contains(body, "<script") || strings.Contains(body, " style=") || (CodeOf(tc.err) != "" && strings.Contains(body, string(CodeOf(tc.err)))) {
				t.Fatalf("a script, a style attribute or the code on the page:\n%s", body)
			}
		})
	}
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// TestPageCSPHashes: the policy allows exactly the page's <style>
// elements, whatever their attributes, and nothing when there is none.
func TestPageCSPHashes(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`<p>no style</p>`, "default-src 'none'; base-uri 'none'; frame-ancestors 'none'"},
		{`<style>a{}</style>`, "default-src 'none'; style-src 'sha256-" + sha("a{}") + "'; base-uri 'none'; frame-ancestors 'none'"},
		{`<style media="all">b{}</style><styles><style>c{}</style>`, "default-src 'none'; style-src 'sha256-" + sha("b{}") + "' 'sha256-" + sha("c{}") + "'; base-uri 'none'; frame-ancestors 'none'"},
		{`<style>unterminated`, "default-src 'none'; base-uri 'none'; frame-ancestors 'none'"},
	} {
		if got := pageCSP([]byte(tc.body)); got != tc.want {
			t.Errorf("pageCSP(%q) = %q, want %q", tc.body, got, tc.want)
		}
	}
}
