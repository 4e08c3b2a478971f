package ginauth_test

import (
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/ginauth"
)

func TestHostedUIFlow(t *testing.T) {
	conformance.RunHostedUI(t, func(t *testing.T, app conformance.HostedUIApp, ln net.Listener) {
		auth, err := ginauth.New(ginauth.WithBaseAuth(app.Auth))
		if err != nil {
			t.Fatal(err)
		}
		r := gin.New()
		r.Use(auth.ProtectApp())
		ginauth.MountHostedUI(r, app.UI)
		r.GET("/", func(c *gin.Context) { c.String(http.StatusOK, "hello "+ginauth.User(c).Email) })
		r.GET("/reports", func(c *gin.Context) { c.String(http.StatusOK, "reports for "+ginauth.User(c).Email) })
		srv := &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		t.Cleanup(func() { _ = srv.Close() })
	})
}
