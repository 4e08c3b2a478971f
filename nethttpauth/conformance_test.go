package nethttpauth_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/nethttpauth"
)

// driver builds the conformance app on a standard library ServeMux.
func driver(t *testing.T, app conformance.App) string {
	opts := []nethttpauth.Option{nethttpauth.WithBaseAuth(app.Auth), nethttpauth.WithBypass(app.Bypass...)}
	if app.CustomErrorHandler {
		opts = append(opts, nethttpauth.WithErrorHandler(func(w http.ResponseWriter, _ *http.Request, err error) {
			w.WriteHeader(conformance.CustomStatus)
			_, _ = io.WriteString(w, conformance.CustomBody(err))
		}))
	}
	auth, err := nethttpauth.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		app.Called(conformance.PathHome)
		u, _ := auth.GetAuthUser(w, r)
		_, _ = io.WriteString(w, "hello "+u.Email)
	})
	mux.HandleFunc("GET "+conformance.PathMe, func(w http.ResponseWriter, r *http.Request) {
		app.Called(conformance.PathMe)
		u, _ := auth.GetAuthUser(w, r)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(conformance.NewMe(r.Context(), u))
	})
	mux.Handle("GET "+conformance.PathAdmin, auth.RequireAuth(app.AdminRules...)(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			app.Called(conformance.PathAdmin)
			_, _ = io.WriteString(w, "admin "+nethttpauth.User(r).Email)
		})))
	health := func(w http.ResponseWriter, _ *http.Request) {
		app.Called(conformance.PathHealth)
		_, _ = io.WriteString(w, "ok")
	}
	mux.HandleFunc("GET "+conformance.PathHealth, health)
	mux.HandleFunc("GET "+conformance.PathHealth+"/{$}", health)
	mux.HandleFunc("GET "+conformance.PathWhoami, func(w http.ResponseWriter, r *http.Request) {
		app.Called(conformance.PathWhoami)
		u, err := auth.GetAuthUser(w, r)
		_, _ = io.WriteString(w, conformance.Whoami(u, err))
	})
	h := auth.ProtectApp(mux)
	if app.Planted != nil {
		inner := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			inner.ServeHTTP(w, r.WithContext(cognitotest.ContextWithUser(r.Context(), app.Planted)))
		})
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestConformance(t *testing.T) { conformance.Run(t, driver) }
