package conformance

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// rawRequest writes a GET with a chunked body by hand (fasthttp reads a
// GET's body and trailers too), so its trailer
// fields are exactly the ones given, and returns the response status.
func rawRequest(t *testing.T, base, path string, header, trailer []string) (int, string) {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(t.Context(), "tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	var b bytes.Buffer
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\nConnection: close\r\n", path, u.Host)
	for _, h := range header {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n")
	for _, h := range trailer {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	if _, err := conn.Write(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// fields renders h as "Name: value" lines.
func fields(h http.Header) []string {
	var out []string
	for k, vs := range h {
		for _, v := range vs {
			out = append(out, k+": "+v)
		}
	}
	return out
}

// refused reports a refusal of a request with credentials in a trailer:
// 401 from the adapter, or 400 when the server itself rejects the trailer
// (fasthttp refuses a Cookie trailer).
func refused(status int) bool {
	return status == http.StatusUnauthorized || status == http.StatusBadRequest
}

// trailers: credentials sent only as trailer fields of a chunked body
// (declared in a Trailer header or not) never authenticate. Some servers
// (fasthttp, under fiber) merge trailers into their header map; a proxy or
// WAF that inspects the header block never saw them.
func trailers(t *testing.T, iss *ct.Issuer, base string) {
	admin := fields(iss.Mint(Admin).Header())
	declared := "Trailer: " + strings.Join([]string{core.HeaderData, core.HeaderAccessToken, core.HeaderIdentity}, ", ")
	if status, body := rawRequest(t, base, PathAdmin, admin, nil); status != http.StatusOK {
		t.Fatalf("credentials in the header block: %d %q", status, body)
	}
	if status, body := rawRequest(t, base, PathAdmin, []string{declared}, admin); !refused(status) {
		t.Fatalf("credentials in a declared trailer: %d %q; want a refusal", status, body)
	}
	if status, body := rawRequest(t, base, PathAdmin, nil, admin); !refused(status) {
		t.Fatalf("credentials in an undeclared trailer: %d %q; want a refusal", status, body)
	}
}

// sessionTrailers: the hosted-UI session cookie counts only in the header
// block.
func sessionTrailers(t *testing.T, driver HostedUIDriver) {
	env := StartHostedUI(t, driver, time.Hour)
	cookie := "Cookie: " + env.SignIn(t, "alice")
	if status, body := rawRequest(t, env.URL, "/", []string{cookie}, nil); status != http.StatusOK {
		t.Fatalf("session cookie in the header block: %d %q", status, body)
	}
	if status, body := rawRequest(t, env.URL, "/", []string{"Trailer: Cookie"}, []string{cookie}); !refused(status) {
		t.Fatalf("session cookie in a declared trailer: %d %q; want a refusal", status, body)
	}
	if status, body := rawRequest(t, env.URL, "/", nil, []string{cookie}); !refused(status) {
		t.Fatalf("session cookie in an undeclared trailer: %d %q; want a refusal", status, body)
	}
}
