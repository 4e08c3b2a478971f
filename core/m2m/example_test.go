package m2m_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/m2m"
)

// Get a client-credentials token. Here the token endpoint is the
// cognitotest stand-in; in production New reads COGNITO_AUTH_DOMAIN,
// COGNITO_AUTH_M2M_CLIENT_ID, COGNITO_AUTH_M2M_CLIENT_SECRET and
// COGNITO_AUTH_M2M_SCOPES.
func ExampleNew() {
	iss, err := cognitotest.New()
	if err != nil {
		log.Fatal(err)
	}
	defer iss.Close()
	pool := iss.StartHostedUI(cognitotest.WithMachineClient("reportsworker", "s3cret", "orders/read", "orders/write"))
	defer pool.Close()

	ts, err := m2m.New(
		m2m.WithDomain(pool.URL()),
		m2m.WithClient("reportsworker", "s3cret"),
		m2m.WithScopes("orders/read"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = ts.Close() }()
	tok, err := ts.Token()
	if err != nil {
		fmt.Println(err)
		return
	}
	again, _ := ts.Token()
	fmt.Println(tok.Type(), tok.Valid(), again == tok, pool.MachineTokenCalls())
	// Output: Bearer true true 1
}

// Call a service protected by cognito-auth-go, which admits the caller as
// a machine principal.
func ExampleTokenSource_Client() {
	iss, err := cognitotest.New()
	if err != nil {
		log.Fatal(err)
	}
	defer iss.Close()
	pool := iss.StartHostedUI(cognitotest.WithMachineClient("reportsworker", "s3cret", "orders/read"))
	defer pool.Close()

	// The orders service, with COGNITO_AUTH_MACHINE_CLIENT_IDS=reportsworker.
	v, err := core.NewVerifier(append(iss.VerifierOptions(), core.WithMachineClientIDs("reportsworker"))...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = v.Close() }()
	orders := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := v.VerifyAccessToken(r.Context(), strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		if err != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "machine %v, client %s, scopes %v", u.Machine, u.ClientID, u.Scopes)
	}))
	defer orders.Close()

	// The calling service.
	ts, err := m2m.New(m2m.WithDomain(pool.URL()), m2m.WithClient("reportsworker", "s3cret"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = ts.Close() }()
	resp, err := ts.Client(context.Background()).Get(orders.URL + "/orders")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output: 200 machine true, client reportsworker, scopes [orders/read]
}
