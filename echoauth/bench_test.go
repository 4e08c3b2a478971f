package echoauth_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/echoauth"
)

func BenchmarkMiddleware(b *testing.B) {
	conformance.Bench(b, func(b *testing.B, base *core.BaseAuth) (conformance.BenchTarget, conformance.BenchTarget) {
		auth, err := echoauth.New(echoauth.WithBaseAuth(base))
		if err != nil {
			b.Fatal(err)
		}
		handler := func(c echo.Context) error {
			if u := echoauth.User(c); u != nil {
				return c.String(http.StatusOK, u.Email)
			}
			return c.String(http.StatusOK, "anonymous")
		}
		protected, plain := echo.New(), echo.New()
		protected.Use(auth.ProtectApp())
		protected.GET(conformance.PathBench, handler)
		plain.GET(conformance.PathBench, handler)
		ps, us := httptest.NewServer(protected), httptest.NewServer(plain)
		b.Cleanup(ps.Close)
		b.Cleanup(us.Close)
		return conformance.BenchTarget{Handler: protected, URL: ps.URL}, conformance.BenchTarget{Handler: plain, URL: us.URL}
	})
}
