package core

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/envcheck"
)

// Environment variables read by New (see DESIGN.md's environment contract).
const (
	EnvRegion       = "COGNITO_AUTH_REGION"
	EnvAWSRegion    = "AWS_REGION"
	EnvUserPoolID   = "COGNITO_AUTH_USER_POOL_ID"
	EnvClientID     = "COGNITO_AUTH_CLIENT_ID"
	EnvALBARN       = "COGNITO_AUTH_ALB_ARN"
	EnvALBKeysURL   = "COGNITO_AUTH_ALB_KEYS_URL"
	EnvJWKSURL      = "COGNITO_AUTH_JWKS_URL"
	EnvRedirectURL  = "COGNITO_AUTH_REDIRECT_URL"
	EnvDevMode      = "COGNITO_AUTH_DEV_MODE"
	EnvDevModeForce = "COGNITO_AUTH_DEV_MODE_FORCE"
	EnvDevConfig    = "COGNITO_AUTH_DEV_CONFIG"
	EnvConfigPath   = "COGNITO_AUTH_CONFIG_PATH"
	EnvSecretName   = "COGNITO_AUTH_SECRET_NAME" //nolint:gosec // G101: the name of an environment variable, not a credential
	EnvPolicyReload = "COGNITO_AUTH_POLICY_RELOAD_INTERVAL"
	EnvBearer       = "COGNITO_AUTH_BEARER" //nolint:gosec // G101: the name of an environment variable, not a credential
	// EnvReplicaRegions lists regions the user pools are replicated to
	// (multi-Region replication, ORIGINAL issuer format), comma-separated.
	EnvReplicaRegions = "COGNITO_AUTH_REPLICA_REGIONS"
	// EnvAllowUnverifiedEmail lets in users whose email is not verified
	// (users federated from SAML or OIDC providers often carry no
	// email_verified).
	EnvAllowUnverifiedEmail = "COGNITO_AUTH_ALLOW_UNVERIFIED_EMAIL"
	// EnvTrustAPIGatewayAuthorizer reads the user from the claims an API
	// Gateway authorizer verified (Lambda behind API Gateway only).
	EnvTrustAPIGatewayAuthorizer = "COGNITO_AUTH_TRUST_APIGATEWAY_AUTHORIZER"
	// EnvMachineClientIDs lists the app clients whose client-credentials
	// tokens are accepted as machine principals, comma-separated.
	EnvMachineClientIDs = "COGNITO_AUTH_MACHINE_CLIENT_IDS"
	// EnvMachineAccess says where machine principals may go: "rules" (only
	// routes whose rules admit them, the default) or "all" (every route
	// whose rules they pass, routes without rules included).
	EnvMachineAccess = "COGNITO_AUTH_MACHINE_ACCESS"
	// EnvAllowedOrigins lists the origins (scheme://host[:port]) WebSocket
	// upgrades may come from, comma-separated; without it, the app's own
	// host.
	EnvAllowedOrigins = "COGNITO_AUTH_ALLOWED_ORIGINS"
	// EnvDomain is the user pool's domain (a Cognito prefix, a custom
	// domain or a URL): the hosted UI's, the token endpoint's and userInfo's.
	EnvDomain = "COGNITO_AUTH_DOMAIN"
	// EnvRevalidateEvery turns on revocation checks: a verified user's
	// access token is trusted for this long (e.g. 5m) after it was issued
	// or last checked, then checked with the pool's userInfo endpoint.
	EnvRevalidateEvery = "COGNITO_AUTH_REVALIDATE_EVERY"
	// EnvRevalidateGrace is how long past its due check a token stays
	// trusted while userInfo cannot be reached (default 0: refused, 503).
	EnvRevalidateGrace = "COGNITO_AUTH_REVALIDATE_GRACE"
	// EnvSignOutURL is where the refusal pages' Sign out link goes: the
	// app's route that runs ALBLogout behind an ALB (a path such as
	// /logout, or an absolute URL). Unset: the hosted UI's logout route
	// when the hosted-UI login is a source, else no Sign out link.
	EnvSignOutURL = "COGNITO_AUTH_SIGN_OUT_URL"
	// EnvAppURL is the app's external base URL (with any path prefix): the
	// hosted UI's redirect and cookie base, and, for core, where the pages'
	// "Back to the start" goes (its path).
	EnvAppURL = "COGNITO_AUTH_APP_URL"
	// EnvStrictEnv makes a COGNITO_AUTH_* variable that no package of
	// cognito-auth-go reads a configuration error instead of a warning (see
	// KnownEnv).
	EnvStrictEnv = "COGNITO_AUTH_STRICT_ENV"
)

// Defaults.
const (
	defaultRegion        = "eu-west-2"
	defaultDevConfigPath = "dev-mock-user.json"
	defaultLeeway        = 30 * time.Second
	defaultFetchTimeout  = 5 * time.Second
	defaultCacheEntries  = 10_000
	defaultCacheBytes    = 32 << 20
	// defaultJWKSMinRefresh is the least time between a successful JWKS
	// load and a reload caused by an unknown kid.
	defaultJWKSMinRefresh = 10 * time.Second
	maxLeeway             = 5 * time.Minute
	maxHeaderBytes        = 16 << 10
	maxIdentityBytes      = 256
	maxKeyBodyBytes       = 256 << 10
)

// config is what New builds the guard from: the Verifier's configuration
// (used when New builds its own Verifier) and the guard's own settings.
type config struct {
	verifierConfig
	lookupEnv        func(string) (string, bool)
	redirectURL      string
	devMode          bool
	devForce         bool
	devConfigPath    string
	devUser          *User
	bearer           bool
	trustAuthorizer  bool
	machinesAnywhere bool     // COGNITO_AUTH_MACHINE_ACCESS=all
	allowedOrigins   []string // COGNITO_AUTH_ALLOWED_ORIGINS, lower-cased
	decider          Decider
	policySource     PolicySource
	policyReload     time.Duration
	configPath       string
	secretName       string
	rules            []Rule
	denialHook       DenialHook
	optErrs          []error
	verifier         *Verifier         // WithVerifier: shared, not built by New
	sources          []Source          // WithSources, tried after ALB headers and bearer tokens
	signOutURL       string            // COGNITO_AUTH_SIGN_OUT_URL / WithSignOutURL
	appURL           string            // COGNITO_AUTH_APP_URL: its path is the start
	pages            func(Page) []byte // WithPages
	// Derived by derive, never set directly.
	productionSigns []string
	startPath       string // the pages' "Back to the start": appURL's path, or "/"
}

var (
	rePool     = regexp.MustCompile(`^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2})_[0-9A-Za-z]{1,55}$`)
	reClientID = regexp.MustCompile(`^[\w+]{1,128}$`)
	reALBARN   = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/app/[A-Za-z0-9-]{1,32}/[0-9a-f]{1,32}$`)
)

// checkSet selects what a configuration is validated for.
type checkSet int

const (
	verifierChecks checkSet = iota // NewVerifier: pools, ALB ARNs, key URLs, limits
	guardChecks                    // New: the verifier's checks (unless WithVerifier), policy, dev mode, sources
)

// loadConfig builds the configuration in one direction: defaults, then the
// environment, then options (which overwrite both), then values derived
// from the result; then it validates. All problems are returned together.
func loadConfig(opts []Option, checks checkSet) (*config, error) {
	// The environment is read through WithEnvironment's lookup when one is
	// given, so options are applied once to find it (they are plain
	// setters), and again over the environment so that they win.
	probe := &config{}
	applyOptions(probe, opts)
	lookup := probe.lookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	c := defaultConfig()
	c.lookupEnv = lookup
	errs := c.readEnv(envReader{lookup: lookup})
	applyOptions(c, opts)
	errs = append(errs, c.optErrs...)
	if checks == guardChecks && c.verifier != nil {
		errs = append(errs, misplaced(opts)...)
	}
	// Unknown variables can be looked for when the environment can be
	// listed: the process's, or what WithEnvironmentNames lists.
	if probe.lookupEnv == nil || c.listEnv != nil {
		c.unknownEnv = envcheck.Unknown(envcheck.Names(c.listEnv), c.ownEnv)
	}
	c.derive()
	errs = append(errs, c.validate(checks)...)
	// A shared Verifier (WithVerifier) reported them when it was built.
	if checks == verifierChecks || c.verifier == nil {
		errs = append(errs, c.reportUnknownEnv(len(errs) > 0)...)
	}
	return c, errors.Join(errs...)
}

// reportUnknownEnv reports each COGNITO_AUTH_* variable no package reads,
// with the known name closest to it: as configuration errors in strict
// mode, else as warnings when the configuration is otherwise valid (when it
// is not, the error for a missing setting names its near miss).
func (c *verifierConfig) reportUnknownEnv(invalid bool) []error {
	var errs []error
	for _, f := range c.unknownEnv {
		switch {
		case c.strictEnv:
			errs = append(errs, configError("unknown environment variable %s: %s (unknown COGNITO_AUTH_* variables are errors with %s=true or core.WithStrictEnv; declare the app's own with core.WithOwnEnv)",
				f.Name, f.DidYouMean(), EnvStrictEnv))
		case !invalid:
			c.logger.Warn("cognito-auth: unknown environment variable "+f.Name+": "+f.DidYouMean(),
				slog.String("variable", f.Name), slog.String("did_you_mean", f.Closest),
				slog.String("hint", "set "+EnvStrictEnv+"=true to make this an error; declare the app's own variables with core.WithOwnEnv"))
		}
	}
	return errs
}

// nearMiss names the unknown variables that were probably meant to be one
// of names, for the error that finds them missing.
func (c *verifierConfig) nearMiss(names ...string) string {
	return envcheck.NearMiss(c.unknownEnv, names...)
}

func applyOptions(c *config, opts []Option) {
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
}

// misplaced reports the Verifier options given to New next to
// WithVerifier: the Verifier given has its own configuration, so they would
// be silently ignored.
func misplaced(opts []Option) []error {
	var errs []error
	for _, o := range opts {
		if o == nil {
			continue
		}
		if w := o.owner(); w.verifier && !w.shared {
			errs = append(errs, configError("core.%s configures the Verifier, but New was given one with core.WithVerifier: pass core.%s to core.NewVerifier instead", w.name, w.name))
		}
	}
	return errs
}

// defaultConfig holds every default that does not depend on other values.
func defaultConfig() *config {
	return &config{verifierConfig: defaultVerifierConfig(), policyReload: defaultPolicyReloadInterval}
}

// configError is one configuration problem.
func configError(format string, args ...any) error {
	return newError(ErrConfig, CodeInvalidConfig, fmt.Sprintf(format, args...))
}

// readEnv overwrites defaults with the variables that are set (non-empty).
func (c *config) readEnv(e envReader) []error {
	c.verifierConfig.readEnv(&e)
	e.str(EnvRedirectURL, &c.redirectURL)
	e.str(EnvSignOutURL, &c.signOutURL)
	e.str(EnvAppURL, &c.appURL)
	e.str(EnvDevConfig, &c.devConfigPath)
	e.str(EnvConfigPath, &c.configPath)
	e.str(EnvSecretName, &c.secretName)
	e.flag(EnvDevMode, &c.devMode)
	e.flag(EnvDevModeForce, &c.devForce)
	e.flag(EnvBearer, &c.bearer)
	e.flag(EnvTrustAPIGatewayAuthorizer, &c.trustAuthorizer)
	e.machineAccess(EnvMachineAccess, &c.machinesAnywhere)
	e.list(EnvAllowedOrigins, &c.allowedOrigins)
	e.duration(EnvPolicyReload, &c.policyReload, time.Second, "5m")
	return e.errs
}

// envReader reads variables and collects the problems it finds.
type envReader struct {
	lookup func(string) (string, bool)
	errs   []error
}

func (e *envReader) get(name string) string {
	v, _ := e.lookup(name)
	return strings.TrimSpace(v)
}

// str sets *dst when name is set, and reports whether it was.
func (e *envReader) str(name string, dst *string) bool {
	if v := e.get(name); v != "" {
		*dst = v
		return true
	}
	return false
}

func (e *envReader) list(name string, dst *[]string) {
	if v := splitList(e.get(name)); len(v) > 0 {
		*dst = v
	}
}

func (e *envReader) flag(name string, dst *bool) {
	v := e.get(name)
	if v == "" {
		return
	}
	on, err := parseBool(v)
	if err != nil {
		e.errs = append(e.errs, configError("%s: %v", name, err))
		return
	}
	*dst = on
}

// machineAccess reads "rules" or "all".
func (e *envReader) machineAccess(name string, anywhere *bool) {
	switch v := strings.ToLower(e.get(name)); v {
	case "":
	case "rules":
		*anywhere = false
	case "all":
		*anywhere = true
	default:
		e.errs = append(e.errs, configError("%s: %q is not rules (machine clients only where a route's rules admit them) or all (every route whose rules they pass)", name, v))
	}
}

func (e *envReader) duration(name string, dst *time.Duration, least time.Duration, example string) {
	v := e.get(name)
	if v == "" {
		return
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < least {
		e.errs = append(e.errs, configError("%s: %q is not a duration of at least %v (e.g. %s)", name, v, least, example))
		return
	}
	*dst = d
}

// derive computes the values that depend on others: the Verifier's, and
// what makes the process look like production.
func (c *config) derive() {
	c.verifierConfig.derive()
	if c.devMode {
		c.productionSigns = c.productionIndicators()
	}
	c.startPath = "/"
	if u, err := url.Parse(c.appURL); err == nil && c.appURL != "" {
		c.startPath = strings.TrimRight(u.Path, "/") + "/"
	}
}

// validate returns every problem of the configuration: the Verifier's when
// one is being built, and the guard's own whenever New runs.
func (c *config) validate(checks checkSet) []error {
	var errs []error
	if checks == verifierChecks || c.verifier == nil {
		c.poolOptional = c.devMode
		errs = append(errs, c.verifierConfig.validate()...)
	}
	if checks == guardChecks {
		for _, check := range []func() []error{c.validateRefusals, c.validateSources, c.validatePolicy, c.validateDevMode} {
			errs = append(errs, check()...)
		}
	}
	return errs
}

// validateSources checks that something can authenticate a request.
func (c *config) validateSources() []error {
	albARNs := c.albARNs
	if c.verifier != nil {
		albARNs = c.verifier.cfg.albARNs
	}
	if len(albARNs) == 0 && !c.devMode && !c.bearer && !c.trustAuthorizer && len(c.sources) == 0 {
		return []error{configError("at least one ALB ARN is required (%s), unless bearer tokens (%s), an API Gateway authorizer (%s), another credential source (core.WithSources, e.g. the hosted-UI login) or dev mode are used%s",
			EnvALBARN, EnvBearer, EnvTrustAPIGatewayAuthorizer, c.nearMiss(EnvALBARN, EnvBearer, EnvTrustAPIGatewayAuthorizer, EnvDevMode))}
	}
	if c.trustAuthorizer {
		pools, clients := c.userPoolIDs, c.clientIDs
		if c.verifier != nil {
			pools, clients = c.verifier.cfg.userPoolIDs, c.verifier.cfg.clientIDs
		}
		if len(pools) == 0 || len(clients) == 0 {
			return []error{configError("trusting an API Gateway authorizer (%s) needs the user pool (%s) and the app client ids (%s) its claims must name%s",
				EnvTrustAPIGatewayAuthorizer, EnvUserPoolID, EnvClientID, c.nearMiss(EnvUserPoolID, EnvClientID))}
		}
	}
	return nil
}

// validateRefusals checks how the guard answers: the redirect for refused
// browsers and the policy reload interval.
func (c *config) validateRefusals() []error {
	var errs []error
	if c.redirectURL != "" {
		if err := checkRedirectURL(c.redirectURL); err != nil {
			errs = append(errs, configError("redirect URL: %v (%s)", err, EnvRedirectURL))
		}
	}
	if c.signOutURL != "" {
		if err := checkRedirectURL(c.signOutURL); err != nil {
			errs = append(errs, configError("sign-out URL: %v (%s)", err, EnvSignOutURL))
		}
	}
	if c.appURL != "" {
		if u, err := url.Parse(c.appURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || !strings.HasPrefix(c.startPath, "/") || strings.HasPrefix(c.startPath, "//") {
			errs = append(errs, configError("app URL %q is not an absolute http(s) URL like https://app.example.com/prefix (%s)", c.appURL, EnvAppURL))
		}
	}
	for i, o := range c.allowedOrigins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			errs = append(errs, configError("allowed origin %q is not an origin like https://app.example.com (%s)", o, EnvAllowedOrigins))
			continue
		}
		c.allowedOrigins[i] = strings.ToLower(u.Scheme + "://" + u.Host)
	}
	if c.policyReload < time.Second {
		errs = append(errs, configError("policy reload interval %v must be at least 1s (%s)", c.policyReload, EnvPolicyReload))
	}
	return errs
}

func (c *config) validatePolicy() []error {
	if c.decider != nil || c.policySource != nil {
		return nil
	}
	switch {
	case c.configPath != "" && c.secretName != "":
		return []error{configError("%s and %s are both set; choose one policy source", EnvConfigPath, EnvSecretName)}
	case c.secretName != "":
		return []error{configError("%s is set: pass the Secrets Manager source from github.com/cognitoauth/cognito-auth-go/secretspolicy "+
			"(core.WithPolicySource) so this binary includes the AWS SDK only when it needs it", EnvSecretName)}
	}
	return nil
}

func (c *config) validateDevMode() []error {
	if c.devMode && len(c.productionSigns) > 0 && !c.devForce {
		return []error{configError("dev mode refused: this process looks like production (%s); set %s=true to force it",
			strings.Join(c.productionSigns, ", "), EnvDevModeForce)}
	}
	return nil
}

// productionIndicators lists what makes the process look like production:
// the Verifier's ALB ARNs and key URLs (the shared one's with WithVerifier)
// and the environment of AWS compute services.
func (c *config) productionIndicators() []string {
	vc := &c.verifierConfig
	if c.verifier != nil {
		vc = c.verifier.cfg
	}
	var signs []string
	if len(vc.albARNs) > 0 {
		signs = append(signs, "an ALB ARN is configured")
	}
	for _, u := range vc.explicitKeyURLs {
		if p, err := url.Parse(u); err == nil && strings.HasSuffix(strings.ToLower(p.Hostname()), ".amazonaws.com") {
			signs = append(signs, "a real AWS key URL is configured")
			break
		}
	}
	for _, v := range []string{"AWS_LAMBDA_FUNCTION_NAME", "ECS_CONTAINER_METADATA_URI_V4", "ECS_CONTAINER_METADATA_URI", "AWS_EXECUTION_ENV"} {
		if c.envSet(v) {
			signs = append(signs, v+" is set")
		}
	}
	return signs
}

func (c *config) envSet(name string) bool {
	v, ok := c.lookupEnv(name)
	return ok && strings.TrimSpace(v) != ""
}

func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "0", "false", "no", "off":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	}
	return false, fmt.Errorf("%q is not a yes/no value; use true, 1, yes or on, or false, 0, no or off", s)
}

func checkRedirectURL(raw string) error {
	if strings.ContainsAny(raw, "\r\n\t\\") {
		return fmt.Errorf("%q contains forbidden characters", raw)
	}
	if strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, "//") {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q must be an absolute http(s) URL or a path starting with /", raw)
	}
	return nil
}
