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
	EnvSecretName   = "COGNITO_AUTH_SECRET_NAME"
	EnvPolicyReload = "COGNITO_AUTH_POLICY_RELOAD_INTERVAL"
	EnvBearer       = "COGNITO_AUTH_BEARER"
	// EnvReplicaRegions lists regions the user pools are replicated to
	// (multi-Region replication, ORIGINAL issuer format), comma-separated.
	EnvReplicaRegions = "COGNITO_AUTH_REPLICA_REGIONS"
	// EnvAllowUnverifiedEmail lets in users whose email is not verified
	// (users federated from SAML or OIDC providers often carry no
	// email_verified).
	EnvAllowUnverifiedEmail = "COGNITO_AUTH_ALLOW_UNVERIFIED_EMAIL"
)

// Defaults.
const (
	DefaultRegion        = "eu-west-2"
	DefaultDevConfigPath = "dev-mock-user.json"
	DefaultLeeway        = 30 * time.Second
	DefaultFetchTimeout  = 5 * time.Second
	DefaultCacheEntries  = 10_000
	DefaultCacheBytes    = 32 << 20
	maxLeeway            = 5 * time.Minute
	maxHeaderBytes       = 16 << 10
	maxIdentityBytes     = 256
	maxKeyBodyBytes      = 256 << 10
)

type setBits uint32

const (
	setRegion setBits = 1 << iota
	setPool
	setClient
	setARN
	setALBKeys
	setJWKS
	setRedirect
	setDev
	setDevForce
	setDevConfig
	setLeeway
	setCache
	setPolicyReload
	setBearer
	setReplicas
	setAllowUnverified
)

type config struct {
	set setBits

	region               string
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
	decider              Decider
	policySource         PolicySource
	policyReload         time.Duration
	configPath           string
	secretName           string
	rules                []Rule
	denialHook           DenialHook
	optErrs              []error
	issuers              []issuerDef
	explicitKeyURLs      []string
	productionSigns      []string
}

var (
	reRegion   = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$`)
	rePool     = regexp.MustCompile(`^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2})_[0-9A-Za-z]{1,55}$`)
	reClientID = regexp.MustCompile(`^[\w+]{1,128}$`)
	reALBARN   = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/app/[A-Za-z0-9-]{1,32}/[0-9a-f]{1,32}$`)
)

// loadConfig applies options, then fills what they left unset from the
// environment, then defaults, and validates the result. All problems are
// returned together.
func loadConfig(opts []Option) (*config, error) {
	c := &config{}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	if c.lookupEnv == nil {
		c.lookupEnv = os.LookupEnv
	}
	errs := append([]error(nil), c.optErrs...)
	bad := func(format string, args ...any) {
		errs = append(errs, newError(ErrConfig, CodeInvalidConfig, fmt.Sprintf(format, args...)))
	}
	env := func(name string) string {
		v, _ := c.lookupEnv(name)
		return strings.TrimSpace(v)
	}
	if c.set&setRegion == 0 {
		c.region = env(EnvRegion)
		if c.region == "" {
			c.region = env(EnvAWSRegion)
		}
	}
	if c.region == "" {
		c.region = DefaultRegion
	}
	if c.set&setPool == 0 {
		c.userPoolIDs = splitList(env(EnvUserPoolID))
	}
	if c.set&setReplicas == 0 {
		c.replicaRegions = splitList(env(EnvReplicaRegions))
	}
	if c.set&setAllowUnverified == 0 {
		on, err := parseBool(env(EnvAllowUnverifiedEmail))
		if err != nil {
			bad("%s: %v", EnvAllowUnverifiedEmail, err)
		}
		c.allowUnverified = on
	}
	if c.set&setClient == 0 {
		c.clientIDs = splitList(env(EnvClientID))
	}
	if c.set&setARN == 0 {
		c.albARNs = splitList(env(EnvALBARN))
	}
	if c.set&setALBKeys == 0 {
		c.albKeysURL = env(EnvALBKeysURL)
	}
	if c.set&setJWKS == 0 {
		c.jwksURL = env(EnvJWKSURL)
	}
	if c.set&setRedirect == 0 {
		c.redirectURL = env(EnvRedirectURL)
	}
	if c.set&setDev == 0 {
		on, err := parseBool(env(EnvDevMode))
		if err != nil {
			bad("%s: %v", EnvDevMode, err)
		}
		c.devMode = on
	}
	if c.set&setDevForce == 0 {
		on, err := parseBool(env(EnvDevModeForce))
		if err != nil {
			bad("%s: %v", EnvDevModeForce, err)
		}
		c.devForce = on
	}
	if c.set&setBearer == 0 {
		on, err := parseBool(env(EnvBearer))
		if err != nil {
			bad("%s: %v", EnvBearer, err)
		}
		c.bearer = on
	}
	if c.set&setDevConfig == 0 {
		c.devConfigPath = env(EnvDevConfig)
	}
	c.configPath = env(EnvConfigPath)
	c.secretName = env(EnvSecretName)
	if c.set&setPolicyReload == 0 {
		c.policyReload = DefaultPolicyReloadInterval
		if v := env(EnvPolicyReload); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second {
				bad("%s: %q is not a duration of at least 1s (e.g. 5m)", EnvPolicyReload, v)
			} else {
				c.policyReload = d
			}
		}
	}
	if c.decider == nil && c.policySource == nil {
		switch {
		case c.configPath != "" && c.secretName != "":
			bad("%s and %s are both set; choose one policy source", EnvConfigPath, EnvSecretName)
		case c.secretName != "":
			bad("%s is set: pass the Secrets Manager source from github.com/cognitoauth/cognito-auth-go/secretspolicy "+
				"(core.WithPolicySource) so this binary includes the AWS SDK only when it needs it", EnvSecretName)
		}
	}
	if c.set&setLeeway == 0 {
		c.leeway = DefaultLeeway
	}
	if c.set&setCache == 0 {
		c.cacheEntries, c.cacheBytes = DefaultCacheEntries, DefaultCacheBytes
	}
	if c.fetchTimeout == 0 {
		c.fetchTimeout = DefaultFetchTimeout
	}
	if c.jwksEvery == 0 {
		c.jwksEvery = time.Hour
	}
	if c.jwksMin == 0 {
		c.jwksMin = time.Minute
	}
	if c.missBurst == 0 {
		c.missBurst = 10
	}
	if c.missEvery == 0 {
		c.missEvery = 6 * time.Second
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

	// Validation.
	if !reRegion.MatchString(c.region) {
		bad("region %q is not an AWS region name", c.region)
	}
	if len(c.userPoolIDs) == 0 && !c.devMode {
		bad("user pool id is required (%s, comma-separated for several pools, e.g. eu-west-2_AbCdEf123)", EnvUserPoolID)
	}
	validPools := true
	for _, id := range c.userPoolIDs {
		if !rePool.MatchString(id) {
			validPools = false
			bad("user pool id %q is not of the form REGION_ID, e.g. eu-west-2_AbCdEf123 (%s)", id, EnvUserPoolID)
		}
	}
	for _, r := range c.replicaRegions {
		if !reRegion.MatchString(r) {
			validPools = false
			bad("replica region %q is not an AWS region name, e.g. eu-west-1 (%s)", r, EnvReplicaRegions)
		}
	}
	for _, id := range c.clientIDs {
		if !reClientID.MatchString(id) {
			bad("client id %q is not a Cognito app client id (1-128 letters and digits, e.g. 1example23456789abcdefghij) (%s)", id, EnvClientID)
		}
	}
	hostedUI := env("COGNITO_AUTH_DOMAIN") != "" // hosted-UI login (core/hostedui) instead of an ALB
	if len(c.albARNs) == 0 && !c.devMode && !c.bearer && !hostedUI {
		bad("at least one ALB ARN is required (%s), unless only bearer tokens (%s) or the hosted-UI login (COGNITO_AUTH_DOMAIN) are used", EnvALBARN, EnvBearer)
	}
	for _, arn := range c.albARNs {
		if !reALBARN.MatchString(arn) {
			bad("ALB ARN %q is not an application load balancer ARN; expected arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID, e.g. arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188 (%s)", arn, EnvALBARN)
		}
	}
	for _, u := range []string{c.albKeysURL, c.jwksURL} {
		if u != "" {
			c.explicitKeyURLs = append(c.explicitKeyURLs, u)
		}
	}
	if c.albKeysURL == "" {
		c.albKeysURL = DefaultALBKeysURL(c.region)
	} else if err := checkKeyURL(c.albKeysURL); err != nil {
		bad("ALB keys URL: %v", err)
	}
	c.albKeysURL = strings.TrimRight(c.albKeysURL, "/")
	if c.jwksURL != "" {
		if err := checkKeyURL(c.jwksURL); err != nil {
			bad("JWKS URL: %v", err)
		}
	}
	if validPools {
		c.issuers = acceptedIssuers(c.userPoolIDs, c.replicaRegions, c.jwksURL)
	}
	if c.redirectURL != "" {
		if err := checkRedirectURL(c.redirectURL); err != nil {
			bad("redirect URL: %v", err)
		}
	}
	if c.leeway < 0 || c.leeway > maxLeeway {
		bad("leeway %v must be between 0 and %v", c.leeway, maxLeeway)
	}
	if c.fetchTimeout < 0 {
		bad("fetch timeout must be positive")
	}
	if c.cacheEntries < 0 || c.cacheBytes < 0 {
		bad("token cache bounds must not be negative")
	}
	if c.jwksEvery < 0 || c.jwksMin < 0 || c.missBurst < 0 || c.missEvery < 0 {
		bad("key refresh and fetch limits must not be negative")
	}
	if c.devMode {
		c.productionSigns = c.productionIndicators()
		if len(c.productionSigns) > 0 && !c.devForce {
			bad("dev mode refused: this process looks like production (%s); set %s=true to force it",
				strings.Join(c.productionSigns, ", "), EnvDevModeForce)
		}
	}
	return c, errors.Join(errs...)
}

// DefaultALBKeysURL returns the AWS endpoint serving ALB public keys for
// region, including the GovCloud locations.
func DefaultALBKeysURL(region string) string {
	switch region {
	case "us-gov-west-1", "us-gov-east-1":
		return "https://s3-us-gov-west-1.amazonaws.com/aws-elb-public-keys-prod-" + region
	}
	return "https://public-keys.auth.elb." + region + ".amazonaws.com"
}

func (c *config) productionIndicators() []string {
	var signs []string
	if len(c.albARNs) > 0 {
		signs = append(signs, "an ALB ARN is configured")
	}
	for _, u := range c.explicitKeyURLs {
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
