package echov5auth_test

import (
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/echov5auth"
)

func TestHostedUIFlow(t *testing.T) {
	conformance.RunHostedUI(t, func(t *testing.T, app conformance.HostedUIApp, ln net.Listener) {
		auth, err := echov5auth.New(echov5auth.WithBaseAuth(app.Auth))
		if err != nil {
			t.Fatal(err)
		}
		e := echo.New()
		e.Use(auth.ProtectApp())
		echov5auth.MountHostedUI(e, app.UI)
		e.GET("/", func(c *echo.Context) error { return c.String(http.StatusOK, "hello "+echov5auth.User(c).Email) })
		e.GET("/reports", func(c *echo.Context) error { return c.String(http.StatusOK, "reports for "+echov5auth.User(c).Email) })
		srv := &http.Server{Handler: e, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		t.Cleanup(func() { _ = srv.Close() })
	})
}
