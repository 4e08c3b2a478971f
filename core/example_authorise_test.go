package core_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// A policy in code: staff may come in, the owner is an app admin.
func ExampleWithPolicy() {
	iss, _ := cognitotest.New()
	defer iss.Close()
	auth, err := core.New(append(iss.Options(),
		core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		core.WithPolicy(core.Policy{
			AllowedGroups: []string{"staff"},
			AdminUsers:    []string{"owner@example.com"},
		}),
	)...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()

	for _, u := range []cognitotest.User{
		{Email: "alice@example.com", Groups: []string{"staff"}},
		{Email: "Owner@Example.com"},
		{Email: "eve@example.com", Groups: []string{"guests"}},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		iss.Mint(u).Apply(r)
		user, err := auth.Authenticate(r.Context(), core.HTTPRequest(r))
		if err != nil {
			fmt.Println(u.Email, "refused:", core.CodeOf(err))
			continue
		}
		fmt.Println(user.Email, "allowed, app admin:", user.IsAppAdmin())
	}
	// Output:
	// alice@example.com allowed, app admin: false
	// Owner@Example.com allowed, app admin: true
	// eve@example.com refused: forbidden
}

// Custom rules join the policy; AllOf and AnyOf compose rules.
func ExampleRuleFunc() {
	onCall := map[string]bool{"sre1@example.com": true}
	isOnCall := core.RuleFunc(func(_ context.Context, u *core.User) bool { return onCall[u.Email] })

	a, err := core.NewAuthoriser(core.Policy{}, core.AllOf(core.AllowGroups("sre"), isOnCall))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for _, u := range []*core.User{core.MockUser("sre1@example.com", "sre"), core.MockUser("sre2@example.com", "sre")} {
		d, _ := a.Decide(ctx, u)
		fmt.Println(d.Allowed)
	}
	// Output:
	// true
	// false
}

// Policy documents are strict: a typo in an access rule is an error.
func ExampleParsePolicy() {
	p, err := core.ParsePolicy([]byte(`{
		"_comment": "who may use the app",
		"allowed_groups": ["developers", "admins"],
		"allowed_users": ["special-user@example.com"],
		"require_all": false
	}`))
	fmt.Println(p.AllowedGroups, p.AllowedUsers, err)

	_, err = core.ParsePolicy([]byte(`{"allowed_group": ["developers"]}`))
	fmt.Println(err)
	// Output:
	// [developers admins] [special-user@example.com] <nil>
	// policy: json: unknown field "allowed_group"
}

// Per-route rules on top of the app policy, and a hook that counts denials.
func ExampleBaseAuth_Authenticate_routeRules() {
	iss, _ := cognitotest.New()
	defer iss.Close()
	denied := map[core.Code]int{}
	auth, err := core.New(append(iss.Options(),
		core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		core.WithDenialHook(func(_ context.Context, _ *core.User, code core.Code) { denied[code]++ }),
	)...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer auth.Close()

	r := httptest.NewRequest(http.MethodGet, "/admin", nil)
	iss.Mint(cognitotest.User{Email: "alice@example.com", Groups: []string{"staff"}}).Apply(r)
	_, err = auth.Authenticate(r.Context(), core.HTTPRequest(r), core.AllowGroups("admins"))
	fmt.Println(errors.Is(err, core.ErrForbidden), core.CodeOf(err), denied)
	// Output: true route_forbidden map[route_forbidden:1]
}

// NewAuthoriser builds the decision from a policy in code, on its own (for
// a Decider of your own, or WithAuthoriser).
func ExampleNewAuthoriser() {
	a, err := core.NewAuthoriser(core.Policy{
		AllowedGroups: []string{"developers"},
		AllowedUsers:  []string{"special-user@example.com"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, u := range []*core.User{
		core.MockUser("dev@example.com", "developers"),
		core.MockUser("Special-User@example.com"),
		core.MockUser("someone@example.com", "guests"),
	} {
		d, _ := a.Decide(context.Background(), u)
		fmt.Println(u.Email, d.Allowed)
	}
	// Output:
	// dev@example.com true
	// Special-User@example.com true
	// someone@example.com false
}
