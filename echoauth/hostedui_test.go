package echoauth_test

import (
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/echoauth"
)

func TestHostedUIFlow(t *testing.T) {
	conformance.RunHostedUI(t, func(t *testing.T, app conformance.HostedUIApp, ln net.Listener) {
		auth, err := echoauth.New(echoauth.WithBaseAuth(app.Auth))
		if err != nil {
			t.Fatal(err)
		}
		e := echo.New()
		e.Use(auth.ProtectApp())
		echoauth.MountHostedUI(e, app.UI)
		e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, "hello "+echoauth.User(c).Email) })
		e.GET("/reports", func(c echo.Context) error { return c.String(http.StatusOK, "reports for "+echoauth.User(c).Email) })
		srv := &http.Server{Handler: e, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		t.Cleanup(func() { _ = srv.Close() })
	})
}
