package examples_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/conformance"
	"github.com/cognitoauth/cognito-auth-go/nethttpauth"
)

// TestChiConformance runs the adapters' conformance table with nethttpauth
// as chi middleware: r.Use(auth.ProtectApp) and r.With(auth.RequireAuth(…)).
func TestChiConformance(t *testing.T) {
	conformance.Run(t, func(t *testing.T, app conformance.App) string {
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
		r := chi.NewRouter()
		if app.Planted != nil {
			r.Use(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					next.ServeHTTP(w, r.WithContext(cognitotest.ContextWithUser(r.Context(), app.Planted)))
				})
			})
		}
		r.Use(auth.ProtectApp)
		r.Get(conformance.PathHome, func(w http.ResponseWriter, r *http.Request) {
			app.Called(conformance.PathHome)
			u, _ := auth.GetAuthUser(w, r)
			_, _ = io.WriteString(w, "hello "+u.Email)
		})
		r.Get(conformance.PathMe, func(w http.ResponseWriter, r *http.Request) {
			app.Called(conformance.PathMe)
			u, _ := auth.GetAuthUser(w, r)
			_ = json.NewEncoder(w).Encode(conformance.NewMe(r.Context(), u))
		})
		r.With(auth.RequireAuth(app.AdminRules...)).Get(conformance.PathAdmin, func(w http.ResponseWriter, r *http.Request) {
			app.Called(conformance.PathAdmin)
			_, _ = io.WriteString(w, "admin "+nethttpauth.User(r).Email)
		})
		health := func(w http.ResponseWriter, _ *http.Request) {
			app.Called(conformance.PathHealth)
			_, _ = io.WriteString(w, "ok")
		}
		r.Get(conformance.PathHealth, health)
		r.Get(conformance.PathHealth+"/", health)
		r.Get(conformance.PathWhoami, func(w http.ResponseWriter, r *http.Request) {
			app.Called(conformance.PathWhoami)
			u, err := auth.GetAuthUser(w, r)
			_, _ = io.WriteString(w, conformance.Whoami(u, err))
		})
		srv := httptest.NewServer(r)
		t.Cleanup(srv.Close)
		return srv.URL
	})
}
