package main

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"

	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// hostedUIPrefix is where cognito-local serves its hosted UI.
const hostedUIPrefix = prefix + "/ui"

// newHostedUIMode serves the keys and a local hosted UI for an app at
// upstream that runs the login itself, and returns the app's environment.
func newHostedUIMode(iss *ct.Issuer, users []ct.User, base string, upstream *url.URL, ttl time.Duration) (http.Handler, map[string]string) {
	app := strings.TrimRight(upstream.String(), "/")
	secret := randomHex(16)
	ui := iss.NewHostedUI(base+hostedUIPrefix, ct.WithUsers(users...), ct.WithClientSecret(secret), ct.WithTokenTTL(ttl),
		ct.WithRedirectURIs(app+"/login/cognito/authorized"), ct.WithLogoutURIs(app+"/"))
	mux := http.NewServeMux()
	mux.HandleFunc(healthPath, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	mux.Handle(keysPrefix+"/", http.StripPrefix(keysPrefix, iss.KeysHandler()))
	mux.Handle(hostedUIPrefix+"/", http.StripPrefix(hostedUIPrefix, ui.Handler()))
	env := iss.Env()
	delete(env, "COGNITO_AUTH_ALB_ARN")
	delete(env, "COGNITO_AUTH_ALB_KEYS_URL")
	env["COGNITO_AUTH_DOMAIN"] = base + hostedUIPrefix
	env["COGNITO_AUTH_APP_URL"] = app
	env["COGNITO_AUTH_CLIENT_SECRET"] = secret
	env["COGNITO_AUTH_SESSION_SECRET"] = randomHex(32)
	env["PORT"] = upstream.Port()
	env["HOST"] = "127.0.0.1"
	return mux, env
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
