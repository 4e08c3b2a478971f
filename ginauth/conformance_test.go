package ginauth_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/ginauth"
)

func init() { gin.SetMode(gin.ReleaseMode) }

func driver(t *testing.T, app conformance.App) string {
	opts := []ginauth.Option{ginauth.WithBaseAuth(app.Auth), ginauth.WithBypass(app.Bypass...)}
	if app.CustomErrorHandler {
		opts = append(opts, ginauth.WithErrorHandler(func(c *gin.Context, err error) {
			c.String(conformance.CustomStatus, conformance.CustomBody(err))
		}))
	}
	auth, err := ginauth.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	if app.Planted != nil {
		r.Use(func(c *gin.Context) {
			c.Request = c.Request.WithContext(cognitotest.ContextWithUser(c.Request.Context(), app.Planted))
		})
	}
	r.Use(auth.ProtectApp())
	r.GET(conformance.PathHome, func(c *gin.Context) {
		app.Called(conformance.PathHome)
		u, _ := auth.GetAuthUser(c)
		c.String(http.StatusOK, "hello "+u.Email)
	})
	r.GET(conformance.PathMe, func(c *gin.Context) {
		app.Called(conformance.PathMe)
		u, _ := auth.GetAuthUser(c)
		c.JSON(http.StatusOK, conformance.NewMe(c.Request.Context(), u))
	})
	r.GET(conformance.PathAdmin, auth.RequireAuth(app.AdminRules...), func(c *gin.Context) {
		app.Called(conformance.PathAdmin)
		c.String(http.StatusOK, "admin "+ginauth.User(c).Email)
	})
	health := func(c *gin.Context) {
		app.Called(conformance.PathHealth)
		c.String(http.StatusOK, "ok")
	}
	r.GET(conformance.PathHealth, health)
	r.GET(conformance.PathHealth+"/", health)
	r.GET(conformance.PathWhoami, func(c *gin.Context) {
		app.Called(conformance.PathWhoami)
		u, err := auth.GetAuthUser(c)
		c.String(http.StatusOK, conformance.Whoami(u, err))
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestConformance(t *testing.T) { conformance.Run(t, driver) }
