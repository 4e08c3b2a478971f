package core

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/trace"
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
)

// Defaults.
const (
	DefaultRegion        = "eu-west-2"
	DefaultDevConfigPath = "dev-mock-user.json"
	DefaultLeeway        = 30 * time.Second
	DefaultFetchTimeout  = 5 * time.Second
	DefaultCacheEntries  = 10_000
	DefaultCacheBytes    = 32 << 20
	// DefaultJWKSMinRefresh is the least time between a successful JWKS
	// load and a reload caused by an unknown kid.
	DefaultJWKSMinRefresh = 10 * time.Second
	maxLeeway             = 5 * time.Minute
	maxHeaderBytes        = 16 << 10
	maxIdentityBytes      = 256
	maxKeyBodyBytes       = 256 << 10
)

type config struct {
	region               string
	regionSet            bool // COGNITO_AUTH_REGION or WithRegion named it (not the AWS_REGION fallback)
	userPoolIDs          []string
	replicaRegions       []string
	clientIDs, albARNs   []string
	albKeysURL, jwksURL  string
	redirectURL          string
	devMode, devForce    bool
	devConfigPath        string
	devUser              *User
	allowUnverified      bool
	httpClient           *http.Client
	logger               *slog.Logger
	leeway, fetchTimeout time.Duration
	cacheEntries         int
	cacheBytes           int
	jwksEvery, jwksMin   time.Duration
	missBurst            int
	missEvery            time.Duration
	lookupEnv            func(string) (string, bool)
	now                  func() time.Time
	bearer               bool
	trustAuthorizer      bool
	decider              Decider
	policySource         PolicySource
	policyReload         time.Duration
	configPath           string
	secretName           string
	rules                []Rule
	denialHook           DenialHook
	optErrs              []error
	verifier             *Verifier // WithVerifier: shared, not built by New
	sources              []Source  // WithSources, tried after ALB headers and bearer tokens
	observers            []Observer
	// Derived by derive, never set directly.
	issuers         []issuerDef
	explicitKeyURLs []string
	albKeyURLs      map[string]string // ALB ARN -> the base URL of its public keys
	productionSigns []string
	observer        Observer       // the observers combined, or nil
	tracer          trace.Recorder // set only by the explain command, through its observer
}

var (
	reRegion   = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$`)
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
	c.derive()
	errs = append(errs, c.validate(checks)...)
	return c, errors.Join(errs...)
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
	return &config{
		region:       DefaultRegion,
		leeway:       DefaultLeeway,
		fetchTimeout: DefaultFetchTimeout,
		cacheEntries: DefaultCacheEntries,
		cacheBytes:   DefaultCacheBytes,
		jwksEvery:    time.Hour,
		jwksMin:      DefaultJWKSMinRefresh,
		missBurst:    10,
		missEvery:    6 * time.Second,
		policyReload: DefaultPolicyReloadInterval,
		logger:       slog.Default(),
		now:          time.Now,
	}
}

// configError is one configuration problem.
func configError(format string, args ...any) error {
	return newError(ErrConfig, CodeInvalidConfig, fmt.Sprintf(format, args...))
}

// readEnv overwrites defaults with the variables that are set (non-empty).
func (c *config) readEnv(e envReader) []error {
	if c.regionSet = e.str(EnvRegion, &c.region); !c.regionSet {
		e.str(EnvAWSRegion, &c.region)
	}
	e.list(EnvUserPoolID, &c.userPoolIDs)
	e.list(EnvReplicaRegions, &c.replicaRegions)
	e.list(EnvClientID, &c.clientIDs)
	e.list(EnvALBARN, &c.albARNs)
	e.str(EnvALBKeysURL, &c.albKeysURL)
	e.str(EnvJWKSURL, &c.jwksURL)
	e.str(EnvRedirectURL, &c.redirectURL)
	e.str(EnvDevConfig, &c.devConfigPath)
	e.str(EnvConfigPath, &c.configPath)
	e.str(EnvSecretName, &c.secretName)
	e.flag(EnvDevMode, &c.devMode)
	e.flag(EnvDevModeForce, &c.devForce)
	e.flag(EnvBearer, &c.bearer)
	e.flag(EnvTrustAPIGatewayAuthorizer, &c.trustAuthorizer)
	e.flag(EnvAllowUnverifiedEmail, &c.allowUnverified)
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

// derive computes the values that depend on others: the key URLs recorded
// as explicitly configured, the default ALB key URL for the region, the
// accepted issuers and the HTTP client.
func (c *config) derive() {
	for _, u := range []string{c.albKeysURL, c.jwksURL} {
		if u != "" {
			c.explicitKeyURLs = append(c.explicitKeyURLs, u)
		}
	}
	c.albKeysURL = strings.TrimRight(c.albKeysURL, "/")
	c.albKeyURLs = make(map[string]string, len(c.albARNs))
	for _, arn := range c.albARNs {
		if u := c.albKeysURL; u != "" {
			c.albKeyURLs[arn] = u // one endpoint for every ALB (tests, proxies)
		} else if a, ok := parseALBARN(arn); ok {
			c.albKeyURLs[arn] = albKeysURL(a.region)
		}
	}
	// A zero from an option means "the default", as it always has.
	d := defaultConfig()
	for _, z := range []struct{ v, def *time.Duration }{{&c.fetchTimeout, &d.fetchTimeout}, {&c.jwksEvery, &d.jwksEvery}, {&c.jwksMin, &d.jwksMin}, {&c.missEvery, &d.missEvery}} {
		if *z.v == 0 {
			*z.v = *z.def
		}
	}
	if c.missBurst == 0 {
		c.missBurst = d.missBurst
	}
	if c.httpClient == nil {
		c.httpClient = &http.Client{Timeout: c.fetchTimeout}
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.observer = combineObservers(c.observers)
	if r, ok := c.observer.(trace.Recorder); ok {
		c.tracer = r
	}
	if c.poolsValid() {
		c.issuers = acceptedIssuers(c.userPoolIDs, c.replicaRegions, c.jwksURL)
	}
	if c.devMode {
		c.productionSigns = c.productionIndicators()
	}
}

func (c *config) poolsValid() bool {
	for _, id := range c.userPoolIDs {
		if !rePool.MatchString(id) {
			return false
		}
	}
	for _, r := range c.replicaRegions {
		if !reRegion.MatchString(r) {
			return false
		}
	}
	return true
}

// validate returns every problem of the configuration: the Verifier's when
// one is being built, and the guard's own whenever New runs.
func (c *config) validate(checks checkSet) []error {
	var list []func() []error
	if checks == verifierChecks || c.verifier == nil {
		list = append(list, c.validatePools, c.validateALBARNs, c.validateKeyURLs, c.validateKeyLimits)
	}
	if checks == guardChecks {
		list = append(list, c.validateRefusals, c.validateSources, c.validatePolicy, c.validateDevMode)
	}
	var errs []error
	for _, check := range list {
		errs = append(errs, check()...)
	}
	return errs
}

func (c *config) validatePools() []error {
	var errs []error
	if !reRegion.MatchString(c.region) {
		errs = append(errs, configError("region %q is not an AWS region name, e.g. eu-west-2 (%s)", c.region, EnvRegion))
	}
	if len(c.userPoolIDs) == 0 && !c.devMode {
		errs = append(errs, configError("user pool id is required (%s, comma-separated for several pools, e.g. eu-west-2_AbCdEf123)", EnvUserPoolID))
	}
	for _, id := range c.userPoolIDs {
		if !rePool.MatchString(id) {
			errs = append(errs, configError("user pool id %q is not of the form REGION_ID, e.g. eu-west-2_AbCdEf123 (%s)", id, EnvUserPoolID))
		}
	}
	for _, r := range c.replicaRegions {
		if !reRegion.MatchString(r) {
			errs = append(errs, configError("replica region %q is not an AWS region name, e.g. eu-west-1 (%s)", r, EnvReplicaRegions))
		}
	}
	for _, id := range c.clientIDs {
		if !reClientID.MatchString(id) {
			errs = append(errs, configError("client id %q is not a Cognito app client id (1-128 letters and digits, e.g. 1example23456789abcdefghij) (%s)", id, EnvClientID))
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
		return []error{configError("at least one ALB ARN is required (%s), unless bearer tokens (%s), an API Gateway authorizer (%s), another credential source (core.WithSources, e.g. the hosted-UI login) or dev mode are used", EnvALBARN, EnvBearer, EnvTrustAPIGatewayAuthorizer)}
	}
	if c.trustAuthorizer {
		pools, clients := c.userPoolIDs, c.clientIDs
		if c.verifier != nil {
			pools, clients = c.verifier.cfg.userPoolIDs, c.verifier.cfg.clientIDs
		}
		if len(pools) == 0 || len(clients) == 0 {
			return []error{configError("trusting an API Gateway authorizer (%s) needs the user pool (%s) and the app client ids (%s) its claims must name", EnvTrustAPIGatewayAuthorizer, EnvUserPoolID, EnvClientID)}
		}
	}
	return nil
}

func (c *config) validateALBARNs() []error {
	var errs []error
	for _, arn := range c.albARNs {
		a, ok := parseALBARN(arn)
		if !ok {
			errs = append(errs, configError("ALB ARN %q is not an application load balancer ARN; expected arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID, e.g. arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188 (%s)", arn, EnvALBARN))
			continue
		}
		if c.regionSet && a.region != c.region {
			errs = append(errs, configError("ALB ARN %q is in region %s but %s is %s: an ALB signs with the keys of its own region; fix %s or unset it (the ARN names the region)", arn, a.region, EnvRegion, c.region, EnvRegion))
		}
		if c.albKeysURL == "" && albKeysURL(a.region) == "" {
			errs = append(errs, configError("ALB ARN %q is in %s, a region for which AWS documents no ALB public-key endpoint (it documents the commercial regions and AWS GovCloud (US)); set %s to the endpoint if you know it", arn, a.region, EnvALBKeysURL))
		}
	}
	return errs
}

func (c *config) validateKeyURLs() []error {
	var errs []error
	if c.albKeysURL != "" {
		if err := checkKeyURL(c.albKeysURL); err != nil {
			errs = append(errs, configError("ALB keys URL: %v", err))
		}
	}
	if c.jwksURL != "" {
		if err := checkKeyURL(c.jwksURL); err != nil {
			errs = append(errs, configError("JWKS URL: %v", err))
		}
	}
	return errs
}

func (c *config) validateKeyLimits() []error {
	var errs []error
	if c.leeway < 0 || c.leeway > maxLeeway {
		errs = append(errs, configError("leeway %v must be between 0 and %v", c.leeway, maxLeeway))
	}
	if c.fetchTimeout < 0 {
		errs = append(errs, configError("fetch timeout must be positive"))
	}
	if c.cacheEntries < 0 || c.cacheBytes < 0 {
		errs = append(errs, configError("token cache bounds must not be negative"))
	}
	if c.jwksEvery < 0 || c.jwksMin < 0 || c.missBurst < 0 || c.missEvery < 0 {
		errs = append(errs, configError("key refresh and fetch limits must not be negative"))
	}
	return errs
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

// albARN is the part of an ALB ARN that chooses its key endpoint.
type albARN struct{ partition, region string }

// parseALBARN reads arn:PARTITION:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID
// and checks that the region belongs to the partition.
func parseALBARN(arn string) (albARN, bool) {
	if !reALBARN.MatchString(arn) {
		return albARN{}, false
	}
	parts := strings.SplitN(arn, ":", 5)
	a := albARN{partition: parts[1], region: parts[3]}
	if !reRegion.MatchString(a.region) {
		return albARN{}, false
	}
	want := "aws"
	switch {
	case strings.HasPrefix(a.region, "us-gov-"):
		want = "aws-us-gov"
	case strings.HasPrefix(a.region, "cn-"):
		want = "aws-cn"
	case strings.Contains(a.region, "-iso"):
		want = a.partition // the ISO partitions: no documented endpoint either way
	}
	return a, a.partition == want
}

// albKeysURL returns the endpoint AWS documents for the public keys of the
// ALBs in region, or "" where it documents none (the China and ISO
// regions). Per "User claims encoding and signature verification" in
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html:
// https://public-keys.auth.elb.REGION.amazonaws.com/KID, and for AWS
// GovCloud (US) https://s3-us-gov-west-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-west-1/KID
// and https://s3-us-gov-east-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-east-1/KID.
func albKeysURL(region string) string {
	switch {
	case region == "us-gov-west-1", region == "us-gov-east-1":
		return "https://s3-" + region + ".amazonaws.com/aws-elb-public-keys-prod-" + region
	case strings.HasPrefix(region, "cn-"), strings.Contains(region, "-iso"), strings.HasPrefix(region, "us-gov-"):
		return ""
	}
	return "https://public-keys.auth.elb." + region + ".amazonaws.com"
}

// productionIndicators lists what makes the process look like production:
// the Verifier's ALB ARNs and key URLs (the shared one's with WithVerifier)
// and the environment of AWS compute services.
func (c *config) productionIndicators() []string {
	vc := c
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

// checkKeyURL accepts https URLs, and http only on a loopback host (local
// test servers). No credentials, query or fragment.
func checkKeyURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Host == "" {
		return fmt.Errorf("%q must be a plain absolute URL without credentials, query or fragment", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q must use https (http is allowed only on a loopback host)", raw)
	}
	return fmt.Errorf("%q must use https", raw)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
