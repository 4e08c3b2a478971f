package hostedui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// Environment variables (in the style of core's contract).
const (
	EnvDomain         = "COGNITO_AUTH_DOMAIN"         // hosted UI domain: Cognito prefix, custom domain or URL
	EnvClientSecret   = "COGNITO_AUTH_CLIENT_SECRET"  // app client secret (empty for a public client)
	EnvAppURL         = "COGNITO_AUTH_APP_URL"        // the app's external base URL (with any path prefix)
	EnvSessionSecret  = "COGNITO_AUTH_SESSION_SECRET" // comma-separated, at least 32 bytes each; the first seals
	EnvScopes         = "COGNITO_AUTH_SCOPES"         // extra scopes besides openid email profile
	EnvCallbackPath   = "COGNITO_AUTH_CALLBACK_PATH"  // default /login/cognito/authorized
	EnvLogoutURI      = "COGNITO_AUTH_LOGOUT_URI"     // where Cognito returns after logout (default the app URL)
	EnvSessionTTL     = "COGNITO_AUTH_SESSION_TTL"    // absolute session lifetime (default 12h)
	EnvSessionIdleTTL = "COGNITO_AUTH_SESSION_IDLE"   // idle timeout (default 1h)
)

// Defaults.
const (
	DefaultCallbackPath = "/login/cognito/authorized"
	DefaultLoginPath    = "/login/cognito"
	DefaultLogoutPath   = "/logout/cognito"
	DefaultSessionTTL   = 12 * time.Hour
	DefaultIdleTTL      = time.Hour
	minSecretLen        = 32
)

// Option configures a HostedUI; options override the environment.
type Option func(*config)

type config struct {
	domain, clientSecret, appURL, logoutURI string
	callbackPath, loginPath, logoutPath     string
	scopes                                  []string
	secrets                                 []string
	sessionTTL, idleTTL                     time.Duration
	userInfo                                bool
	httpClient                              *http.Client
	now                                     func() time.Time
	clientSecretFunc                        func() (string, error)
	store                                   Store

	// derived
	base, prefix string
	secure       bool
}

// WithDomain sets the hosted UI domain (COGNITO_AUTH_DOMAIN).
func WithDomain(d string) Option { return func(c *config) { c.domain = d } }

// WithClientSecret sets the app client secret (COGNITO_AUTH_CLIENT_SECRET).
func WithClientSecret(s string) Option { return func(c *config) { c.clientSecret = s } }

// WithClientSecretFunc fetches the client secret once at start-up, e.g.
// with Cognito's DescribeUserPoolClient.
func WithClientSecretFunc(f func() (string, error)) Option {
	return func(c *config) { c.clientSecretFunc = f }
}

// WithAppURL sets the app's external base URL (COGNITO_AUTH_APP_URL); a path
// in it is the prefix the app is mounted under.
func WithAppURL(u string) Option { return func(c *config) { c.appURL = u } }

// WithSessionSecrets sets the session keys (COGNITO_AUTH_SESSION_SECRET): the
// first seals, all open, so keys can be rotated.
func WithSessionSecrets(secrets ...string) Option {
	return func(c *config) { c.secrets = append([]string(nil), secrets...) }
}

// WithScopes adds scopes to openid, email and profile (COGNITO_AUTH_SCOPES).
func WithScopes(scopes ...string) Option {
	return func(c *config) { c.scopes = append(c.scopes, scopes...) }
}

// WithPaths sets the login, callback and logout paths (defaults
// /login/cognito, /login/cognito/authorized, /logout/cognito).
func WithPaths(login, callback, logout string) Option {
	return func(c *config) { c.loginPath, c.callbackPath, c.logoutPath = login, callback, logout }
}

// WithLogoutURI sets where Cognito returns after logout (COGNITO_AUTH_LOGOUT_URI).
func WithLogoutURI(u string) Option { return func(c *config) { c.logoutURI = u } }

// WithSessionLifetime sets the absolute and idle session lifetimes.
func WithSessionLifetime(absolute, idle time.Duration) Option {
	return func(c *config) { c.sessionTTL, c.idleTTL = absolute, idle }
}

// WithUserInfo fetches /oauth2/userInfo once at login and keeps its
// attributes in the session (never per request).
func WithUserInfo() Option { return func(c *config) { c.userInfo = true } }

// WithHTTPClient sets the client for the token, userInfo and revoke calls.
func WithHTTPClient(hc *http.Client) Option { return func(c *config) { c.httpClient = hc } }

// WithClock sets the time source (for tests).
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

func loadConfig(base *core.BaseAuth, opts []Option) (*config, error) {
	c := &config{}
	for _, o := range opts {
		o(c)
	}
	env := base.Env
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("hostedui: "+format, args...)) }
	def := func(v *string, name, fallback string) {
		if *v == "" {
			*v = env(name)
		}
		if *v == "" {
			*v = fallback
		}
	}
	def(&c.domain, EnvDomain, "")
	def(&c.clientSecret, EnvClientSecret, "")
	def(&c.appURL, EnvAppURL, "")
	def(&c.callbackPath, EnvCallbackPath, DefaultCallbackPath)
	def(&c.loginPath, "", DefaultLoginPath)
	def(&c.logoutPath, "", DefaultLogoutPath)
	if c.secrets == nil {
		for s := range strings.SplitSeq(env(EnvSessionSecret), ",") {
			if s = strings.TrimSpace(s); s != "" {
				c.secrets = append(c.secrets, s)
			}
		}
	}
	if c.scopes == nil {
		c.scopes = strings.Fields(strings.ReplaceAll(env(EnvScopes), ",", " "))
	}
	durations := []struct {
		v        *time.Duration
		name     string
		fallback time.Duration
	}{{&c.sessionTTL, EnvSessionTTL, DefaultSessionTTL}, {&c.idleTTL, EnvSessionIdleTTL, DefaultIdleTTL}}
	for _, d := range durations {
		if *d.v != 0 {
			continue
		}
		*d.v = d.fallback
		if s := env(d.name); s != "" {
			v, err := time.ParseDuration(s)
			if err != nil || v <= 0 {
				bad("%s: %q is not a positive duration", d.name, s)
				continue
			}
			*d.v = v
		}
	}
	if c.httpClient == nil {
		c.httpClient = &http.Client{Timeout: 10 * time.Second}
	}
	if c.now == nil {
		c.now = time.Now
	}

	if len(base.ClientIDs()) != 1 {
		bad("exactly one client id is needed (%s)", core.EnvClientID)
	}
	if base.Issuer() == "" {
		bad("the user pool id is needed (%s)", core.EnvUserPoolID)
	}
	if c.domain == "" {
		bad("the hosted UI domain is needed (%s)", EnvDomain)
	} else if b, err := core.HostedUIBaseURL(c.domain, base.Region()); err != nil {
		bad("%s: %v", EnvDomain, err)
	} else {
		c.base = b
	}
	app, err := url.Parse(c.appURL)
	switch {
	case c.appURL == "":
		bad("the app's external URL is needed (%s), e.g. https://app.example.com", EnvAppURL)
	case err != nil || app.Host == "" || (app.Scheme != "https" && app.Scheme != "http") || app.RawQuery != "" || app.Fragment != "":
		bad("%s %q must be an absolute http(s) URL without query", EnvAppURL, c.appURL)
	default:
		c.secure = app.Scheme == "https"
		c.prefix = strings.TrimRight(app.Path, "/")
		c.appURL = strings.TrimRight(c.appURL, "/")
	}
	for _, p := range []string{c.callbackPath, c.loginPath, c.logoutPath} {
		if !strings.HasPrefix(p, "/") || core.SafeReturnPath(p) != p {
			bad("path %q must start with /", p)
		}
	}
	if c.logoutURI == "" {
		c.logoutURI = env(EnvLogoutURI)
	}
	if c.logoutURI == "" && c.appURL != "" {
		c.logoutURI = c.appURL + "/"
	}
	if len(c.secrets) == 0 {
		bad("a session secret of at least %d bytes is needed (%s)", minSecretLen, EnvSessionSecret)
	}
	for i, s := range c.secrets {
		if len(s) < minSecretLen {
			bad("session secret %d is %d bytes; at least %d are needed", i+1, len(s), minSecretLen)
		}
	}
	if c.idleTTL > c.sessionTTL {
		bad("the idle timeout (%v) is longer than the session lifetime (%v)", c.idleTTL, c.sessionTTL)
	}
	if c.clientSecretFunc != nil && c.clientSecret == "" && len(errs) == 0 {
		s, err := c.clientSecretFunc()
		if err != nil {
			bad("fetching the client secret: %v", err)
		}
		c.clientSecret = s
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("%w: %w", core.ErrConfig, err)
	}
	return c, nil
}
