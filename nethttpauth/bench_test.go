package nethttpauth_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/nethttpauth"
)

func BenchmarkMiddleware(b *testing.B) {
	conformance.Bench(b, func(b *testing.B, base *core.BaseAuth) (conformance.BenchTarget, conformance.BenchTarget) {
		auth, err := nethttpauth.New(nethttpauth.WithBaseAuth(base))
		if err != nil {
			b.Fatal(err)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("GET "+conformance.PathBench, func(w http.ResponseWriter, r *http.Request) {
			if u := nethttpauth.User(r); u != nil {
				_, _ = io.WriteString(w, u.Email)
				return
			}
			_, _ = io.WriteString(w, "anonymous")
		})
		protected := auth.ProtectApp(mux)
		ps, us := httptest.NewServer(protected), httptest.NewServer(mux)
		b.Cleanup(ps.Close)
		b.Cleanup(us.Close)
		return conformance.BenchTarget{Handler: protected, URL: ps.URL}, conformance.BenchTarget{Handler: mux, URL: us.URL}
	})
}
