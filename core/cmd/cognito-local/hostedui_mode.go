package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// hostedUIPrefix is where cognito-local serves its hosted UI.
const hostedUIPrefix = prefix + "/ui"

// hostedUIConfig is the app client the local hosted UI plays.
type hostedUIConfig struct {
	ttl           time.Duration
	secret        string // "" is a public client
	rotate        bool
	grace         time.Duration
	allowedScopes []string // custom scopes besides the system-reserved ones
	machines      machineClients
}

// check refuses what CreateUserPoolClient would refuse, and machine
// clients that clash with the sign-in app client appClientID.
func (c hostedUIConfig) check(appClientID string) error {
	if c.grace < 0 || c.grace > ct.MaxRefreshGrace {
		return fmt.Errorf("-refresh-grace %v: use 0s to %v (RetryGracePeriodSeconds)", c.grace, ct.MaxRefreshGrace)
	}
	return c.machines.check(appClientID)
}

// hostedUIDropped are the variables an app started in hosted-UI mode does
// not inherit from cognito-local's environment: it verifies no ALB
// headers, and the only machine clients are the -machine-client ones
// (core.EnvMachineClientIDs is set when there are any).
var hostedUIDropped = []string{core.EnvALBARN, core.EnvALBKeysURL, core.EnvMachineClientIDs}

// newHostedUIMode serves the keys and a local hosted UI for an app at
// upstream that runs the login itself, and returns the app's environment.
func newHostedUIMode(iss *ct.Issuer, users []ct.User, base string, upstream *url.URL, cfg hostedUIConfig) (http.Handler, map[string]string) {
	app := strings.TrimRight(upstream.String(), "/")
	opts := []ct.HostedUIOption{
		ct.WithUsers(users...), ct.WithClientSecret(cfg.secret), ct.WithTokenTTL(cfg.ttl),
		ct.WithRedirectURIs(app + "/login/cognito/authorized"), ct.WithLogoutURIs(app + "/"),
		ct.WithAllowedScopes(append([]string{"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"}, cfg.allowedScopes...)...),
	}
	if cfg.rotate {
		opts = append(opts, ct.WithRefreshRotation(cfg.grace))
	}
	for _, m := range cfg.machines {
		opts = append(opts, ct.WithMachineClient(m.id, m.secret, m.scopes...))
	}
	ui := iss.NewHostedUI(base+hostedUIPrefix, opts...)
	mux := http.NewServeMux()
	mux.HandleFunc(healthPath, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	mux.Handle(keysPrefix+"/", http.StripPrefix(keysPrefix, iss.KeysHandler()))
	mux.Handle(hostedUIPrefix+"/", http.StripPrefix(hostedUIPrefix, ui.Handler()))
	env := iss.Env()
	delete(env, "COGNITO_AUTH_ALB_ARN")
	delete(env, "COGNITO_AUTH_ALB_KEYS_URL")
	env["COGNITO_AUTH_DOMAIN"] = base + hostedUIPrefix
	env["COGNITO_AUTH_APP_URL"] = app
	env["COGNITO_AUTH_CLIENT_SECRET"] = cfg.secret // empty for a public client, overriding any in the environment
	env["COGNITO_AUTH_SESSION_SECRET"] = randomHex(32)
	if len(cfg.machines) > 0 {
		// The app accepts the machine clients' client-credentials tokens.
		env[core.EnvMachineClientIDs] = cfg.machines.ids()
	}
	env["PORT"] = upstream.Port()
	env["HOST"] = "127.0.0.1"
	return mux, env
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// String says what kind of app client this is, for the start-up message.
func (c hostedUIConfig) String() string {
	kind := "confidential (client_secret_basic or client_secret_post)"
	if c.secret == "" {
		kind = "public (client_id in the body, no secret)"
	}
	if !c.rotate {
		return kind + ", no refresh token rotation"
	}
	return fmt.Sprintf("%s, refresh token rotation with a %v grace period", kind, c.grace)
}
