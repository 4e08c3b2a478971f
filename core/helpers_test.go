package core_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// issuer is shared by the package's tests: RSA key generation is slow.
var issuer *cognitotest.Issuer

func TestMain(m *testing.M) {
	var err error
	issuer, err = cognitotest.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	issuer.Close()
	os.Exit(code)
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newAuth builds a BaseAuth trusting iss (the shared issuer by default) with
// logs captured in the returned buffer.
func newAuth(t testing.TB, iss *cognitotest.Issuer, opts ...core.Option) (*core.BaseAuth, *syncBuffer) {
	t.Helper()
	if iss == nil {
		iss = issuer
	}
	logs := &syncBuffer{}
	all := append(iss.Options(), core.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	all = append(all, opts...)
	a, err := core.New(all...)
	if err != nil {
		t.Fatalf("core.New: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a, logs
}

// protected serves a real router whose "/" route is protected by a; on
// refusal it renders core's Failure and, for the test, names the code in
// X-Test-Code. On success it writes the user's email.
func protected(t testing.TB, a *core.BaseAuth) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		u, err := a.Authenticate(r.Context(), core.HTTPRequest(r))
		if err != nil {
			f := a.Failure(core.HTTPRequest(r), err)
			for k, v := range f.Header {
				w.Header()[k] = v
			}
			w.Header().Set("X-Test-Code", string(core.CodeOf(err)))
			w.WriteHeader(f.Status)
			_, _ = w.Write(f.Body)
			return
		}
		_, _ = io.WriteString(w, u.Email)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// authenticate runs Authenticate on a request carrying h.
func authenticate(a *core.BaseAuth, h http.Header) (*core.User, error) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header = h
	return a.Authenticate(context.Background(), core.HTTPRequest(r))
}

// noEnv ignores the process environment.
func noEnv(string) (string, bool) { return "", false }

// envMap returns a lookup over m.
func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func testLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func newHTTPRequest() *http.Request {
	return httptest.NewRequest(http.MethodGet, "/", nil)
}

func stackOf() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}
