package ginauth_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/ginauth"
)

// Protect a gin engine, leave /health open and require a group on /admin.
func ExampleAuth_ProtectApp() {
	iss, _ := cognitotest.New() // plays the ALB; in production New reads COGNITO_AUTH_*
	defer iss.Close()
	auth, err := ginauth.New(
		ginauth.WithCoreOptions(append(iss.Options(), core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))...),
		ginauth.WithBypass("/health"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(auth.ProtectApp())
	r.GET("/", func(c *gin.Context) {
		u, _ := auth.GetAuthUser(c)
		c.String(http.StatusOK, "hello "+u.Email)
	})
	r.GET("/admin", auth.RequireAuth(core.AllowGroups("admins")), func(c *gin.Context) {
		c.String(http.StatusOK, "admin "+ginauth.User(c).Email)
	})
	r.GET("/health", func(c *gin.Context) { c.String(http.StatusOK, "ok") })

	root := iss.Mint(cognitotest.User{Email: "root@example.com", Groups: []string{"admins"}})
	for _, path := range []string{"/", "/admin", "/health"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		root.Apply(req)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		fmt.Println(path, w.Code, w.Body.String())
	}
	// Output:
	// / 200 hello root@example.com
	// /admin 200 admin root@example.com
	// /health 200 ok
}
