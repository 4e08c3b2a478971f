package hostedui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
	"github.com/cognitoauth/cognito-auth-go/core/internal/envcheck"
	"github.com/cognitoauth/cognito-auth-go/core/internal/web"
)

// Environment variables (in the style of core's contract).
const (
	EnvDomain         = core.EnvDomain                // hosted UI domain: Cognito prefix, custom domain or URL
	EnvClientSecret   = "COGNITO_AUTH_CLIENT_SECRET"  //nolint:gosec // G101: a variable name; the app client secret (empty for a public client)
	EnvAppURL         = core.EnvAppURL                // the app's external base URL (with any path prefix)
	EnvSessionSecret  = "COGNITO_AUTH_SESSION_SECRET" //nolint:gosec // G101: a variable name; comma-separated secrets, at least 32 bytes each, the first seals
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
	lookupEnv                               func(string) (string, bool)
	pages                                   func(core.Page) []byte
	listEnv                                 func() []string    // WithEnvironmentNames
	unknownEnv                              []envcheck.Finding // COGNITO_AUTH_* variables no package reads

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

// WithPages replaces the hosted UI's pages: the sign-out confirmation
// (core.PageSignOut), the signed-out notice (core.PageSignedOut) and the
// sign-in and sign-out problems (core.PageMessage). render returns the
// whole HTML document, or nil to keep the library's page
// (core.RenderPage); it is sent as core.NewPage sends every page. The
// sign-out confirmation must keep its form: a POST to Form.Action with
// Form.Fields. The same renderer can serve core.WithPages.
func WithPages(render func(core.Page) []byte) Option { return func(c *config) { c.pages = render } }

// WithEnvironment sets the function used to read the environment (default
// os.LookupEnv), as core.WithEnvironment does for core.
func WithEnvironment(lookup func(string) (string, bool)) Option {
	return func(c *config) { c.lookupEnv = lookup }
}

// WithEnvironmentNames sets the function that lists the environment's
// variables (names, or NAME=VALUE entries as os.Environ returns them), as
// core.WithEnvironmentNames does for core: an error for a missing setting
// names a mistyped variable that was probably meant for it. By default the
// process environment is listed, unless WithEnvironment replaces the
// lookup.
func WithEnvironmentNames(list func() []string) Option {
	return func(c *config) { c.listEnv = list }
}

// loadConfig builds the configuration in one direction — defaults, then the
// environment, then options, then derived values — and validates it. Every
// problem is a *core.Error with code invalid_config, returned together.
func loadConfig(v *core.Verifier, opts []Option) (*config, error) {
	probe := &config{}
	applyOptions(probe, opts)
	lookup := probe.lookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	c := &config{
		callbackPath: DefaultCallbackPath, loginPath: DefaultLoginPath, logoutPath: DefaultLogoutPath,
		sessionTTL: DefaultSessionTTL, idleTTL: DefaultIdleTTL,
		httpClient: &http.Client{Timeout: 10 * time.Second}, now: time.Now,
	}
	errs := c.readEnv(lookup)
	applyOptions(c, opts)
	if probe.lookupEnv == nil || c.listEnv != nil {
		c.unknownEnv = envcheck.Unknown(envcheck.Names(c.listEnv), nil)
	}
	errs = append(errs, c.validate(v)...)
	if len(errs) == 0 && c.clientSecretFunc != nil && c.clientSecret == "" {
		s, err := c.clientSecretFunc()
		if err != nil {
			errs = append(errs, configError("fetching the client secret: %v", err))
		}
		c.clientSecret = s
	}
	return c, errors.Join(errs...)
}

func applyOptions(c *config, opts []Option) {
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
}

// configError is one configuration problem, coded like core's.
func configError(format string, args ...any) error {
	return core.NewError(core.ErrConfig, core.CodeInvalidConfig, fmt.Sprintf("hostedui: "+format, args...))
}

// readEnv overwrites defaults with the variables that are set.
func (c *config) readEnv(lookup func(string) (string, bool)) []error {
	get := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	set := func(dst *string, name string) {
		if v := get(name); v != "" {
			*dst = v
		}
	}
	set(&c.domain, EnvDomain)
	set(&c.clientSecret, EnvClientSecret)
	set(&c.appURL, EnvAppURL)
	set(&c.callbackPath, EnvCallbackPath)
	set(&c.logoutURI, EnvLogoutURI)
	for s := range strings.SplitSeq(get(EnvSessionSecret), ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.secrets = append(c.secrets, s)
		}
	}
	c.scopes = strings.Fields(strings.ReplaceAll(get(EnvScopes), ",", " "))
	var errs []error
	for _, d := range []struct {
		v    *time.Duration
		name string
	}{{&c.sessionTTL, EnvSessionTTL}, {&c.idleTTL, EnvSessionIdleTTL}} {
		if s := get(d.name); s != "" {
			v, err := time.ParseDuration(s)
			if err != nil || v <= 0 {
				errs = append(errs, configError("%s: %q is not a positive duration (e.g. 12h)", d.name, s))
				continue
			}
			*d.v = v
		}
	}
	return errs
}

// validate checks the configuration and derives the hosted UI's base URL,
// the app's prefix and whether cookies are Secure.
func (c *config) validate(v *core.Verifier) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, configError(format, args...)) }
	if v == nil {
		return []error{configError("a *core.Verifier is needed (core.NewVerifier)")}
	}
	if len(v.ClientIDs()) != 1 {
		bad("exactly one client id is needed (%s)", core.EnvClientID)
	}
	if len(v.UserPoolIDs()) != 1 {
		bad("exactly one user pool id is needed (%s): the hosted UI belongs to one pool", core.EnvUserPoolID)
	}
	if c.domain == "" {
		bad("the hosted UI domain is needed (%s), e.g. my-app (with the region), my-app.auth.eu-west-2.amazoncognito.com or https://auth.example.com%s", EnvDomain, envcheck.NearMiss(c.unknownEnv, EnvDomain))
	} else if b, err := awsurl.HostedUIBaseURL(c.domain, awsurl.DomainRegion(v.UserPoolIDs(), "")); err != nil {
		bad("%s: %v", EnvDomain, err)
	} else {
		c.base = b
	}
	errs = append(errs, c.validateAppURL()...)
	for _, p := range []string{c.callbackPath, c.loginPath, c.logoutPath} {
		if !strings.HasPrefix(p, "/") || web.SafeReturnPath(p) != p {
			bad("path %q must start with /", p)
		}
	}
	if c.logoutURI == "" && c.appURL != "" {
		c.logoutURI = c.appURL + "/"
	}
	if len(c.secrets) == 0 {
		bad("a session secret of at least %d bytes is needed (%s); generate one with: openssl rand -base64 48%s", minSecretLen, EnvSessionSecret, envcheck.NearMiss(c.unknownEnv, EnvSessionSecret))
	}
	for i, s := range c.secrets {
		if len(s) < minSecretLen {
			bad("session secret %d is %d bytes; at least %d are needed (%s)", i+1, len(s), minSecretLen, EnvSessionSecret)
		}
	}
	if c.idleTTL > c.sessionTTL {
		bad("the idle timeout (%v) is longer than the session lifetime (%v)", c.idleTTL, c.sessionTTL)
	}
	return errs
}

func (c *config) validateAppURL() []error {
	app, err := url.Parse(c.appURL)
	switch {
	case c.appURL == "":
		return []error{configError("the app's external URL is needed (%s), e.g. https://app.example.com%s", EnvAppURL, envcheck.NearMiss(c.unknownEnv, EnvAppURL))}
	case err != nil || app.Host == "" || (app.Scheme != "https" && app.Scheme != "http") || app.RawQuery != "" || app.Fragment != "":
		return []error{configError("%s %q must be an absolute http(s) URL without query, e.g. https://app.example.com", EnvAppURL, c.appURL)}
	}
	c.secure = app.Scheme == "https"
	c.prefix = strings.TrimRight(app.Path, "/")
	c.appURL = strings.TrimRight(c.appURL, "/")
	return nil
}
