package m2m_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/cognitoauth/cognito-auth-go/core/m2m"
)

// CallToken is how an RPC client's credentials ask a token source for
// each call's token; any source other than a *m2m.TokenSource is reused
// until its token is about to expire.
func ExampleCallToken() {
	static := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "eyJ...", Expiry: time.Now().Add(time.Hour)})
	token := m2m.CallToken(static)
	tok, err := token(context.Background())
	fmt.Println(tok.AccessToken, err)
	// Output: eyJ... <nil>
}

// Refused tells a client that is refused (retrying will not help) from a
// token endpoint that is failing (retry).
func ExampleRefused() {
	fmt.Println(m2m.Refused(&m2m.TokenError{StatusCode: http.StatusUnauthorized, Code: "invalid_client"}))
	fmt.Println(m2m.Refused(&m2m.TokenError{StatusCode: http.StatusServiceUnavailable}))
	// Output:
	// true
	// false
}
