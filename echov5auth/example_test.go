package echov5auth_test

import (
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/labstack/echo/v5"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/echov5auth"
)

// Protect an echo app, leave /health open and require a group on /admin.
func ExampleAuth_ProtectApp() {
	iss, _ := cognitotest.New() // plays the ALB; in production New reads COGNITO_AUTH_*
	defer iss.Close()
	auth, err := echov5auth.New(
		echov5auth.WithCoreOptions(append(iss.Options(), core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))...),
		echov5auth.WithBypass("/health"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()

	e := echo.New()
	e.Use(auth.ProtectApp())
	e.GET("/", func(c *echo.Context) error {
		u, _ := auth.GetAuthUser(c)
		return c.String(http.StatusOK, "hello "+u.Email)
	})
	e.GET("/admin", func(c *echo.Context) error {
		return c.String(http.StatusOK, "admin "+echov5auth.User(c).Email)
	}, auth.RequireAuth(core.AllowGroups("admins")))

	alice := iss.Mint(cognitotest.User{Email: "alice@example.com", Groups: []string{"staff"}})
	for _, path := range []string{"/", "/admin"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		alice.Apply(req)
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		fmt.Println(path, w.Code)
	}
	// Output:
	// / 200
	// /admin 403
}

// Return refusals as *echo.HTTPError and render them centrally, keeping
// core's redirect/HTML/JSON decision for auth errors.
func ExampleAuth_HTTPErrorHandler() {
	auth, err := echov5auth.New(echov5auth.WithHTTPErrors(), echov5auth.WithCoreOptions(
		core.WithEnvironment(func(string) (string, bool) { return "", false }),
		core.WithUserPoolIDs("eu-west-2_Example1"),
		core.WithALBARNs("arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/my-app/50dc6c495c0c9188"),
		core.WithRedirectURL("https://example.com/sign-in"),
		core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))))
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	e := echo.New()
	e.HTTPErrorHandler = auth.HTTPErrorHandler(echo.DefaultHTTPErrorHandler(false))
	e.Use(auth.ProtectApp())
	e.GET("/", func(c *echo.Context) error { return c.String(http.StatusOK, "hi") })

	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept", "text/html")
	w := httptest.NewRecorder()
	e.ServeHTTP(w, req)
	fmt.Println(w.Code, w.Header().Get("Location"))
	// Output: 302 https://example.com/sign-in
}
