package ginauth_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/ginauth"
)

func BenchmarkMiddleware(b *testing.B) {
	conformance.Bench(b, func(b *testing.B, base *core.BaseAuth) (conformance.BenchTarget, conformance.BenchTarget) {
		auth, err := ginauth.New(ginauth.WithBaseAuth(base))
		if err != nil {
			b.Fatal(err)
		}
		handler := func(c *gin.Context) {
			if u := ginauth.User(c); u != nil {
				c.String(http.StatusOK, u.Email)
				return
			}
			c.String(http.StatusOK, "anonymous")
		}
		protected, plain := gin.New(), gin.New()
		protected.Use(auth.ProtectApp())
		protected.GET(conformance.PathBench, handler)
		plain.GET(conformance.PathBench, handler)
		ps, us := httptest.NewServer(protected), httptest.NewServer(plain)
		b.Cleanup(ps.Close)
		b.Cleanup(us.Close)
		return conformance.BenchTarget{Handler: protected, URL: ps.URL}, conformance.BenchTarget{Handler: plain, URL: us.URL}
	})
}
