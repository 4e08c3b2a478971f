package m2m

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
	"github.com/cognitoauth/cognito-auth-go/core/internal/envcheck"
)

// Environment variables (in the style of core's contract). The domain is
// the one core/hostedui reads; for a Cognito domain prefix the region comes
// from core.EnvUserPoolID (the first pool's) or else core.EnvRegion.
const (
	EnvDomain       = core.EnvDomain                   // the user pool domain: Cognito prefix, custom domain or URL
	EnvClientID     = "COGNITO_AUTH_M2M_CLIENT_ID"     // the calling app client (one with the client credentials grant)
	EnvClientSecret = "COGNITO_AUTH_M2M_CLIENT_SECRET" //nolint:gosec // G101: a variable name; the calling app client's secret
	EnvScopes       = "COGNITO_AUTH_M2M_SCOPES"        // custom scopes to ask for, space- or comma-separated (default: all the client's)
)

// Defaults.
const (
	// DefaultTimeout bounds each token request (the default HTTP client's
	// Timeout).
	DefaultTimeout = 10 * time.Second
	// DefaultMinBackoff and DefaultMaxBackoff bound the wait between
	// failed token requests (see WithRetryBackoff).
	DefaultMinBackoff = time.Second
	DefaultMaxBackoff = 30 * time.Second
	// maxMargin is the longest a token is refreshed before it expires.
	maxMargin = time.Minute
	// unknownLifetime is how long a token is used whose answer gave no
	// expires_in (Cognito always gives one).
	unknownLifetime = time.Minute
	// maxLifetime caps expires_in: Cognito's access tokens live at most a
	// day (AccessTokenValidity).
	maxLifetime = 24 * time.Hour
	// maxRequestTime bounds a token request whatever the HTTP client.
	maxRequestTime = 30 * time.Second
)

// Option configures a TokenSource; options override the environment.
type Option func(*config)

type config struct {
	domain, region         string
	clientID, clientSecret string
	secretFunc             func() (string, error)
	scopes                 []string
	httpClient             *http.Client
	lookupEnv              func(string) (string, bool)
	listEnv                func() []string    // WithEnvironmentNames
	unknownEnv             []envcheck.Finding // COGNITO_AUTH_* variables no package reads
	now                    func() time.Time
	authStyle              oauth2.AuthStyle
	minBackoff, maxBackoff time.Duration
	logger                 *slog.Logger
	tokenURL               string // derived
	secretFromFunc         bool   // clientSecret came from secretFunc
}

// WithDomain sets the user pool domain whose token endpoint issues the
// tokens (COGNITO_AUTH_DOMAIN): a Cognito prefix (my-app, with the region),
// a domain (my-app.auth.eu-west-2.amazoncognito.com, auth.example.com) or a
// URL (https://auth.example.com; http only on a loopback host, for a local
// stand-in such as cognito-local).
func WithDomain(d string) Option { return func(c *config) { c.domain = d } }

// WithRegion sets the region of a Cognito domain prefix (default: the
// region of COGNITO_AUTH_USER_POOL_ID's first pool, else
// COGNITO_AUTH_REGION).
func WithRegion(r string) Option { return func(c *config) { c.region = r } }

// WithClient sets the calling app client's id and secret
// (COGNITO_AUTH_M2M_CLIENT_ID, COGNITO_AUTH_M2M_CLIENT_SECRET). An empty
// secret leaves the environment's, or WithClientSecretFunc's.
func WithClient(id, secret string) Option {
	return func(c *config) {
		c.clientID = id
		if secret != "" {
			c.clientSecret = secret
		}
	}
}

// WithClientSecretFunc fetches the client secret when no secret is set:
// once in New, and again before the next token request after Cognito
// answered invalid_client (a rotated secret). For Secrets Manager, or
// awscognito.SecretFunc (DescribeUserPoolClient).
func WithClientSecretFunc(f func() (string, error)) Option {
	return func(c *config) { c.secretFunc = f }
}

// WithScopes sets the custom scopes to ask for, replacing
// COGNITO_AUTH_M2M_SCOPES. Each is resourceServerIdentifier/scopeName
// (orders/read). With none Cognito grants all of the client's.
func WithScopes(scopes ...string) Option {
	return func(c *config) { c.scopes = slices.Clone(scopes) }
}

// WithHTTPClient sets the client for the token requests (default: one with
// a DefaultTimeout timeout). Each request is also bounded to 30 seconds.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) { c.httpClient = hc }
}

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

// WithClock sets the time source (for tests): it decides when a token is
// refreshed and when it expires.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithAuthStyle sets how the client authenticates: oauth2.AuthStyleInHeader
// (client_secret_basic, the default) or oauth2.AuthStyleInParams
// (client_secret_post); Cognito's token endpoint takes both.
// oauth2.AuthStyleAutoDetect is refused: it repeats a refused request the
// other way, two requests where one is meant.
func WithAuthStyle(s oauth2.AuthStyle) Option { return func(c *config) { c.authStyle = s } }

// WithRetryBackoff sets the wait after a failed token request before the
// next: min after the first failure, doubling to max, with jitter (defaults
// DefaultMinBackoff and DefaultMaxBackoff). While a token is still valid the
// waits are also kept short enough to retry several times before it
// expires.
func WithRetryBackoff(minWait, maxWait time.Duration) Option {
	return func(c *config) { c.minBackoff, c.maxBackoff = minWait, maxWait }
}

// WithLogger sets where failed refreshes are logged (default
// slog.Default()); they are logged because callers keep getting the cached
// token and see no error.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// loadConfig builds the configuration in one direction — defaults, then the
// environment, then options, then derived values — and validates it. Every
// problem is a *core.Error with code invalid_config, returned together.
func loadConfig(opts []Option) (*config, error) {
	probe := &config{}
	applyOptions(probe, opts)
	lookup := probe.lookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	c := &config{
		httpClient: &http.Client{Timeout: DefaultTimeout}, now: time.Now, authStyle: oauth2.AuthStyleInHeader,
		minBackoff: DefaultMinBackoff, maxBackoff: DefaultMaxBackoff, logger: slog.Default(),
	}
	c.readEnv(lookup)
	applyOptions(c, opts)
	if probe.lookupEnv == nil || c.listEnv != nil {
		c.unknownEnv = envcheck.Unknown(envcheck.Names(c.listEnv), nil)
	}
	errs := c.validate()
	if len(errs) == 0 && c.clientSecret == "" && c.secretFunc != nil {
		s, err := c.secretFunc()
		switch {
		case err != nil:
			errs = append(errs, configError("fetching the client secret: %v", err))
		case s == "":
			errs = append(errs, configError("the client secret function returned an empty secret"))
		}
		c.clientSecret, c.secretFromFunc = s, true
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
	return core.NewError(core.ErrConfig, core.CodeInvalidConfig, fmt.Sprintf("m2m: "+format, args...))
}

// readEnv overwrites defaults with the variables that are set.
func (c *config) readEnv(lookup func(string) (string, bool)) {
	get := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	c.domain = get(EnvDomain)
	c.clientID = get(EnvClientID)
	c.clientSecret = get(EnvClientSecret)
	c.scopes = strings.Fields(strings.ReplaceAll(get(EnvScopes), ",", " "))
	// A Cognito domain prefix belongs to a pool: its region first.
	c.region = awsurl.DomainRegion(strings.Split(get(core.EnvUserPoolID), ","), get(core.EnvRegion))
}

// reClientID is an app client id as CreateUserPoolClient returns them.
var reClientID = regexp.MustCompile(`^[\w+]{1,128}$`)

// validate checks the configuration and derives the token endpoint's URL.
func (c *config) validate() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, configError(format, args...)) }
	switch {
	case c.clientID == "":
		bad("the calling app client's id is needed (%s or WithClient)%s", EnvClientID, envcheck.NearMiss(c.unknownEnv, EnvClientID))
	case !reClientID.MatchString(c.clientID):
		bad("client id %q is not an app client id (letters, digits, _ and +) (%s)", c.clientID, EnvClientID)
	}
	if c.clientSecret == "" && c.secretFunc == nil {
		bad("the calling app client's secret is needed (%s, WithClient or WithClientSecretFunc): Cognito's client credentials grant is for app clients with a secret%s", EnvClientSecret, envcheck.NearMiss(c.unknownEnv, EnvClientSecret))
	}
	if c.domain == "" {
		bad("the user pool domain is needed (%s), e.g. my-app (with the region), my-app.auth.eu-west-2.amazoncognito.com or https://auth.example.com%s", EnvDomain, envcheck.NearMiss(c.unknownEnv, EnvDomain))
	} else if b, err := awsurl.HostedUIBaseURL(c.domain, c.region); err != nil {
		bad("%s: %v", EnvDomain, err)
	} else {
		c.tokenURL = b + "/oauth2/token"
	}
	var scopes []string
	for _, s := range c.scopes {
		if !customScope(s) {
			bad("scope %q is not a custom scope resourceServerIdentifier/scopeName, e.g. orders/read (%s): client credentials grants carry custom scopes only", s, EnvScopes)
		}
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	c.scopes = scopes
	errs = append(errs, c.validateSettings()...)
	return errs
}

// validateSettings checks the options that have no variable.
func (c *config) validateSettings() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, configError(format, args...)) }
	if c.httpClient == nil {
		bad("WithHTTPClient(nil): give an *http.Client")
	}
	if c.now == nil {
		bad("WithClock(nil): give a time source such as time.Now")
	}
	if c.logger == nil {
		bad("WithLogger(nil): give a *slog.Logger (slog.New(slog.DiscardHandler) logs nothing)")
	}
	if c.authStyle != oauth2.AuthStyleInHeader && c.authStyle != oauth2.AuthStyleInParams {
		bad("WithAuthStyle: use oauth2.AuthStyleInHeader (client_secret_basic) or oauth2.AuthStyleInParams (client_secret_post)")
	}
	if c.minBackoff <= 0 || c.maxBackoff < c.minBackoff {
		bad("WithRetryBackoff(%v, %v): the least wait must be positive and at most the longest", c.minBackoff, c.maxBackoff)
	}
	return errs
}

// customScope reports a custom scope, resourceServerIdentifier/scopeName:
// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html
// says a client "must request the full identifier for the scope, which is
// resourceServerIdentifier/scopeName".
func customScope(s string) bool {
	i := strings.LastIndexByte(s, '/')
	return i > 0 && i < len(s)-1 && !strings.ContainsAny(s, " \t\r\n\"\\")
}
