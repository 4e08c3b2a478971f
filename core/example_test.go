package core_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// New with no options reads the COGNITO_AUTH_* environment. Here the
// options name everything, and the environment is ignored.
func ExampleNew() {
	auth, err := core.New(
		core.WithEnvironment(func(string) (string, bool) { return "", false }),
		core.WithUserPoolIDs("eu-west-2_AbCdEf123"),
		core.WithALBARNs("arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/my-app/50dc6c495c0c9188"),
		core.WithClientIDs("1example23456789"),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	fmt.Println(auth.Verifier().UserPoolIDs())
	// Output: [eu-west-2_AbCdEf123]
}

// Every configuration problem comes back at once, matching ErrConfig.
func ExampleNew_configErrors() {
	_, err := core.New(core.WithEnvironment(func(string) (string, bool) { return "", false }))
	fmt.Println(errors.Is(err, core.ErrConfig))
	fmt.Println(err)
	// Output:
	// true
	// cognito-auth: invalid configuration (invalid_config): user pool id is required (COGNITO_AUTH_USER_POOL_ID, comma-separated for several pools, e.g. eu-west-2_AbCdEf123)
	// cognito-auth: invalid configuration (invalid_config): at least one ALB ARN is required (COGNITO_AUTH_ALB_ARN), unless bearer tokens (COGNITO_AUTH_BEARER), an API Gateway authorizer (COGNITO_AUTH_TRUST_APIGATEWAY_AUTHORIZER), another credential source (core.WithSources, e.g. the hosted-UI login) or dev mode are used
}

// Authenticate verifies the ALB headers of a request. cognitotest plays the
// ALB and the user pool on loopback, so this runs the real verification.
func ExampleBaseAuth_Authenticate() {
	iss, err := cognitotest.New()
	if err != nil {
		log.Fatal(err)
	}
	defer iss.Close()
	auth, err := core.New(iss.Options()...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()

	r := httptest.NewRequest(http.MethodGet, "/", nil)
	iss.Mint(cognitotest.User{Email: "ada@example.com", Groups: []string{"admins"}}).Apply(r)

	user, err := auth.Authenticate(r.Context(), core.HTTPRequest(r))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(user.Email, user.Groups, user.IsAdmin())
	// Output: ada@example.com [admins] true
}

// Failure turns a refusal into the response to send: JSON for API clients,
// a redirect or a small page for browsers.
func ExampleBaseAuth_Failure() {
	auth, err := core.New(
		core.WithEnvironment(func(string) (string, bool) { return "", false }),
		core.WithUserPoolIDs("eu-west-2_AbCdEf123"),
		core.WithALBARNs("arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/my-app/50dc6c495c0c9188"),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()

	r := httptest.NewRequest(http.MethodGet, "/api/me", nil)
	r.Header.Set("Accept", "application/json")
	_, authErr := auth.Authenticate(r.Context(), core.HTTPRequest(r))
	f := auth.Failure(core.HTTPRequest(r), authErr)
	fmt.Println(core.CodeOf(authErr))
	fmt.Println(f.Status, f.Header.Get("WWW-Authenticate"))
	fmt.Print(string(f.Body))
	// Output:
	// missing_token
	// 401 Bearer realm="cognito-auth"
	// {"error":"unauthorized","message":"You need to sign in to see this page.","status":401}
}

// MockUser builds a user for handler tests, without any tokens.
func ExampleMockUser() {
	u := core.MockUser("dev@example.com", "admins", "staff")
	fmt.Println(u.Email, u.IsAdmin(), u.IsIn("staff"), u.EmailDomain(), u.IsMock())
	// Output: dev@example.com true true example.com true
}

// UserFromContext reads the user the adapter's middleware verified, in the
// handler and in code it calls. Handler tests put one there with
// cognitotest.ContextWithUser.
func ExampleUserFromContext() {
	ctx := cognitotest.ContextWithUser(context.Background(), core.MockUser("dev@example.com"))
	if u, ok := core.UserFromContext(ctx); ok {
		fmt.Println(u.Email)
	}
	_, ok := core.UserFromContext(context.Background())
	fmt.Println(ok)
	// Output:
	// dev@example.com
	// false
}

// With a redirect URL, a refused browser is sent there.
func ExampleBaseAuth_Failure_redirect() {
	auth, err := core.New(core.WithEnvironment(func(string) (string, bool) { return "", false }),
		core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		core.WithUserPoolIDs("eu-west-2_AbCdEf123"), core.WithBearer(true),
		core.WithRedirectURL("https://example.com/no-access"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()
	browser := httptest.NewRequest(http.MethodGet, "/", nil)
	browser.Header.Set("Accept", "text/html")
	f := auth.Failure(core.HTTPRequest(browser), core.ErrForbidden)
	fmt.Println(f.Status, f.Header.Get("Location"))
	// Output: 302 https://example.com/no-access
}

// Dev mode lets a developer in as the user described by a JSON file
// (COGNITO_AUTH_DEV_MODE=true, COGNITO_AUTH_DEV_CONFIG=path), with no ALB.
func ExampleWithDevConfig() {
	dir, err := os.MkdirTemp("", "devuser")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = os.RemoveAll(dir) }()
	path := filepath.Join(dir, "dev-user.json")
	_ = os.WriteFile(path, []byte(`{"_comment": "DEVELOPMENT MODE ONLY", "email": "developer@example.com", "groups": ["developers"]}`), 0o600)

	auth, err := core.New(core.WithEnvironment(func(string) (string, bool) { return "", false }),
		core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		core.WithDevMode(true), core.WithDevConfig(path))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	u, err := auth.Authenticate(r.Context(), core.HTTPRequest(r))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.Email, u.Groups, u.IsMock())
	// Output: developer@example.com [developers] true
}

// A sensitive route asks for a sign-in within the last five minutes; an
// older sign-in is refused with sign_in_too_old and the RFC 9470 challenge.
func ExampleRequireRecentSignIn() {
	recent := core.RequireRecentSignIn(5 * time.Minute)
	u := core.MockUser("alice@example.com") // as just signed in
	fmt.Println(recent.Allows(context.Background(), u))
	u.AuthTime = time.Now().Add(-time.Hour)
	fmt.Println(recent.Allows(context.Background(), u))
	// Output:
	// true
	// false
}

// Revocation checks: a verified user's access token is re-checked with the
// pool's userInfo endpoint every five minutes (COGNITO_AUTH_REVALIDATE_EVERY,
// COGNITO_AUTH_DOMAIN); a revoked token gets 401 token_revoked.
func ExampleWithRevalidation() {
	v, err := core.NewVerifier(core.WithEnvironment(func(string) (string, bool) { return "", false }),
		core.WithUserPoolIDs("eu-west-2_AbCdEf123"),
		core.WithRevalidation(5*time.Minute, "myapp"), // myapp.auth.eu-west-2.amazoncognito.com
		core.WithRevalidationGrace(time.Minute))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer v.Close()
	fmt.Println("revocation checks on")
	// Output: revocation checks on
}

// A handler of a long-lived connection bounds its work by the credential
// the request was let in with; the adapters' middleware already gives
// handlers such a context.
func ExampleUntilCredentialEnd() {
	u := core.MockUser("alice@example.com")
	u.ExpiresAt = time.Now().Add(10 * time.Millisecond)
	ctx, cancel := core.UntilCredentialEnd(cognitotest.ContextWithUser(context.Background(), u))
	defer cancel()
	<-ctx.Done()
	fmt.Println(core.CredentialExpired(ctx), context.Cause(ctx))
	// Output: true cognito-auth: sign-in expired
}
