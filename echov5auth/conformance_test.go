package echov5auth_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v5"

	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/echov5auth"
)

// newDriver builds the conformance app; httpErrors selects the
// HTTPError + HTTPErrorHandler rendering path.
func newDriver(httpErrors bool) conformance.Driver {
	return func(t *testing.T, app conformance.App) string {
		opts := []echov5auth.Option{echov5auth.WithBaseAuth(app.Auth), echov5auth.WithBypass(app.Bypass...)}
		if httpErrors {
			opts = append(opts, echov5auth.WithHTTPErrors())
		}
		if app.CustomErrorHandler {
			opts = append(opts, echov5auth.WithErrorHandler(func(c *echo.Context, err error) error {
				return c.String(conformance.CustomStatus, conformance.CustomBody(err))
			}))
		}
		auth, err := echov5auth.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		e := echo.New()
		if httpErrors {
			e.HTTPErrorHandler = auth.HTTPErrorHandler(echo.DefaultHTTPErrorHandler(false))
		}
		if app.Planted != nil {
			e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
				return func(c *echo.Context) error {
					c.SetRequest(c.Request().WithContext(cognitotest.ContextWithUser(c.Request().Context(), app.Planted)))
					c.Set("user", app.Planted)
					return next(c)
				}
			})
		}
		e.Use(auth.ProtectApp())
		e.GET(conformance.PathHome, func(c *echo.Context) error {
			app.Called(conformance.PathHome)
			u, _ := auth.GetAuthUser(c)
			return c.String(http.StatusOK, "hello "+u.Email)
		})
		e.GET(conformance.PathMe, func(c *echo.Context) error {
			app.Called(conformance.PathMe)
			u, _ := auth.GetAuthUser(c)
			return c.JSON(http.StatusOK, conformance.NewMe(c.Request().Context(), u))
		})
		e.GET(conformance.PathAdmin, func(c *echo.Context) error {
			app.Called(conformance.PathAdmin)
			return c.String(http.StatusOK, "admin "+echov5auth.User(c).Email)
		}, auth.RequireAuth(app.AdminRules...))
		health := func(c *echo.Context) error {
			app.Called(conformance.PathHealth)
			return c.String(http.StatusOK, "ok")
		}
		e.GET(conformance.PathHealth, health)
		e.GET(conformance.PathHealth+"/", health)
		e.GET(conformance.PathWhoami, func(c *echo.Context) error {
			app.Called(conformance.PathWhoami)
			u, err := auth.GetAuthUser(c)
			return c.String(http.StatusOK, conformance.Whoami(u, err))
		})
		srv := httptest.NewServer(e)
		t.Cleanup(srv.Close)
		return srv.URL
	}
}

func TestConformance(t *testing.T) { conformance.Run(t, newDriver(false)) }

// TestConformanceWithHTTPErrorHandler runs the same table with refusals
// returned as *echo.HTTPError and rendered by auth.HTTPErrorHandler.
func TestConformanceWithHTTPErrorHandler(t *testing.T) { conformance.Run(t, newDriver(true)) }
