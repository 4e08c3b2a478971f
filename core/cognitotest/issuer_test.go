package cognitotest_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// TestKeysHandlerHostedByCaller serves the keys from the caller's own server
// (as cognito-local does) and verifies minted headers against them.
func TestKeysHandlerHostedByCaller(t *testing.T) {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	iss, err := cognitotest.New(cognitotest.WithKeyServerURL(srv.URL + "/keys"))
	if err != nil {
		t.Fatal(err)
	}
	defer iss.Close()
	mux.Handle("/keys/", http.StripPrefix("/keys", iss.KeysHandler()))
	auth, err := core.New(append(iss.Options(), core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))...)
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	iss.Mint(cognitotest.User{Email: "k@example.com"}).Apply(r)
	if u, err := auth.Authenticate(r.Context(), core.HTTPRequest(r)); err != nil || u.Email != "k@example.com" {
		t.Fatalf("%v %v", u, err)
	}
}
