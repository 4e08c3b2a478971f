package core

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
	"github.com/cognitoauth/cognito-auth-go/core/internal/envcheck"
	"github.com/cognitoauth/cognito-auth-go/core/internal/trace"
)

// verifierConfig is what a Verifier is built from: who issues the tokens
// (pools, issuers, clients, ALBs), where their keys are and how tokens are
// checked. It knows nothing of the guard.
type verifierConfig struct {
	region               string
	regionSet            bool // COGNITO_AUTH_REGION or WithRegion named it (not the AWS_REGION fallback)
	userPoolIDs          []string
	replicaRegions       []string
	clientIDs, albARNs   []string
	machineClientIDs     []string // client-credentials clients accepted as machine principals
	albKeysURL, jwksURL  string
	allowUnverified      bool
	httpClient           *http.Client
	logger               *slog.Logger
	leeway, fetchTimeout time.Duration
	cacheEntries         int
	cacheBytes           int
	jwksEvery, jwksMin   time.Duration
	missBurst            int
	missEvery            time.Duration
	now                  func() time.Time
	observers            []Observer
	poolOptional         bool               // set by a guard in dev mode, which may run without a pool
	domain               string             // COGNITO_AUTH_DOMAIN: where userInfo is
	revalidateEvery      time.Duration      // COGNITO_AUTH_REVALIDATE_EVERY; 0: off
	revalidateGrace      time.Duration      // COGNITO_AUTH_REVALIDATE_GRACE
	strictEnv            bool               // COGNITO_AUTH_STRICT_ENV / WithStrictEnv: unknown variables are errors
	ownEnv               []string           // WithOwnEnv: the app's own COGNITO_AUTH_* variables
	listEnv              func() []string    // WithEnvironmentNames
	unknownEnv           []envcheck.Finding // the COGNITO_AUTH_* variables no package reads
	// Derived by derive, never set directly.
	issuers         []issuerDef
	explicitKeyURLs []string
	albKeyURLs      map[string]string // ALB ARN -> the base URL of its public keys
	userInfoURL     string            // the pool's /oauth2/userInfo, when revocation checks are on
	observer        Observer          // the observers combined, or nil
	steps           steps             // records each check; set only by the explain command, through its observer
}

// defaultVerifierConfig holds every default of the Verifier.
func defaultVerifierConfig() verifierConfig {
	return verifierConfig{
		region:       defaultRegion,
		leeway:       defaultLeeway,
		fetchTimeout: defaultFetchTimeout,
		cacheEntries: defaultCacheEntries,
		cacheBytes:   defaultCacheBytes,
		jwksEvery:    time.Hour,
		jwksMin:      defaultJWKSMinRefresh,
		missBurst:    10,
		missEvery:    6 * time.Second,
		logger:       slog.Default(),
		now:          time.Now,
	}
}

// readEnv overwrites defaults with the Verifier's variables that are set.
func (c *verifierConfig) readEnv(e *envReader) {
	if c.regionSet = e.str(EnvRegion, &c.region); !c.regionSet {
		e.str(EnvAWSRegion, &c.region)
	}
	e.list(EnvUserPoolID, &c.userPoolIDs)
	e.list(EnvReplicaRegions, &c.replicaRegions)
	e.list(EnvClientID, &c.clientIDs)
	e.list(EnvMachineClientIDs, &c.machineClientIDs)
	e.list(EnvALBARN, &c.albARNs)
	e.str(EnvALBKeysURL, &c.albKeysURL)
	e.str(EnvJWKSURL, &c.jwksURL)
	e.flag(EnvAllowUnverifiedEmail, &c.allowUnverified)
	e.str(EnvDomain, &c.domain)
	e.duration(EnvRevalidateEvery, &c.revalidateEvery, time.Second, "5m")
	e.duration(EnvRevalidateGrace, &c.revalidateGrace, 0, "2m")
	e.flag(EnvStrictEnv, &c.strictEnv)
}

// derive computes the values that depend on others: the key URLs recorded
// as explicitly configured, each ALB's key URL, the accepted issuers, the
// HTTP client and the observers.
func (c *verifierConfig) derive() {
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
			c.albKeyURLs[arn] = awsurl.ALBKeysURL(a.region)
		}
	}
	// A zero from an option means "the default", as it always has.
	d := defaultVerifierConfig()
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
		c.steps = steps{rec: r}
	}
	if c.poolsValid() {
		c.issuers = acceptedIssuers(c.userPoolIDs, c.replicaRegions, c.jwksURL)
	}
	if c.revalidateEvery > 0 {
		if base, err := awsurl.HostedUIBaseURL(c.domain, awsurl.DomainRegion(c.userPoolIDs, c.region)); err == nil {
			c.userInfoURL = base + "/oauth2/userInfo"
		}
	}
}

func (c *verifierConfig) poolsValid() bool {
	for _, id := range c.userPoolIDs {
		if !rePool.MatchString(id) {
			return false
		}
	}
	for _, r := range c.replicaRegions {
		if !awsurl.IsRegion(r) {
			return false
		}
	}
	return true
}

// validate returns every problem of the Verifier's configuration.
func (c *verifierConfig) validate() []error {
	var errs []error
	errs = append(errs, c.validatePools()...)
	errs = append(errs, c.validateALBARNs()...)
	errs = append(errs, c.validateKeyURLs()...)
	errs = append(errs, c.validateRevalidation()...)
	return append(errs, c.validateKeyLimits()...)
}

func (c *verifierConfig) validateRevalidation() []error {
	switch {
	case c.revalidateEvery < 0:
		return []error{configError("revocation check interval %v must be positive (%s, e.g. 5m)", c.revalidateEvery, EnvRevalidateEvery)}
	case c.revalidateGrace < 0:
		return []error{configError("revocation check grace %v must not be negative (%s, e.g. 2m)", c.revalidateGrace, EnvRevalidateGrace)}
	case c.revalidateEvery == 0:
		return nil
	}
	if _, err := awsurl.HostedUIBaseURL(c.domain, awsurl.DomainRegion(c.userPoolIDs, c.region)); err != nil {
		return []error{configError("revocation checks (%s) ask the user pool's userInfo endpoint, at its domain: %v (set %s to the pool's domain, e.g. myapp for myapp.auth.eu-west-2.amazoncognito.com, or auth.example.com)", EnvRevalidateEvery, err, EnvDomain)}
	}
	return nil
}

func (c *verifierConfig) validatePools() []error {
	var errs []error
	if !awsurl.IsRegion(c.region) {
		errs = append(errs, configError("region %q is not an AWS region name, e.g. eu-west-2 (%s)", c.region, EnvRegion))
	}
	if len(c.userPoolIDs) == 0 && !c.poolOptional {
		errs = append(errs, configError("user pool id is required (%s, comma-separated for several pools, e.g. eu-west-2_AbCdEf123)%s", EnvUserPoolID, c.nearMiss(EnvUserPoolID)))
	}
	for _, id := range c.userPoolIDs {
		if !rePool.MatchString(id) {
			errs = append(errs, configError("user pool id %q is not of the form REGION_ID, e.g. eu-west-2_AbCdEf123 (%s)", id, EnvUserPoolID))
		}
	}
	for _, r := range c.replicaRegions {
		if !awsurl.IsRegion(r) {
			errs = append(errs, configError("replica region %q is not an AWS region name, e.g. eu-west-1 (%s)", r, EnvReplicaRegions))
		}
	}
	for _, id := range c.machineClientIDs {
		switch {
		case !reClientID.MatchString(id):
			errs = append(errs, configError("machine client id %q is not a Cognito app client id (1-128 letters and digits) (%s)", id, EnvMachineClientIDs))
		case slices.Contains(c.clientIDs, id):
			errs = append(errs, configError("client id %q is in both %s and %s: a machine client (client credentials) and the app's own client (users) are separate app clients", id, EnvClientID, EnvMachineClientIDs))
		}
	}
	for _, id := range c.clientIDs {
		if !reClientID.MatchString(id) {
			errs = append(errs, configError("client id %q is not a Cognito app client id (1-128 letters and digits, e.g. 1example23456789abcdefghij) (%s)", id, EnvClientID))
		}
	}
	return errs
}

func (c *verifierConfig) validateALBARNs() []error {
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
		if c.albKeysURL == "" && awsurl.ALBKeysURL(a.region) == "" {
			errs = append(errs, configError("ALB ARN %q is in %s, a region for which AWS documents no ALB public-key endpoint (it documents the commercial regions and AWS GovCloud (US)); set %s to the endpoint if you know it", arn, a.region, EnvALBKeysURL))
		}
	}
	return errs
}

func (c *verifierConfig) validateKeyURLs() []error {
	var errs []error
	if c.albKeysURL != "" {
		if err := awsurl.CheckKeyURL(c.albKeysURL); err != nil {
			errs = append(errs, configError("ALB keys URL: %v", err))
		}
	}
	if c.jwksURL != "" {
		if err := awsurl.CheckKeyURL(c.jwksURL); err != nil {
			errs = append(errs, configError("JWKS URL: %v", err))
		}
	}
	return errs
}

func (c *verifierConfig) validateKeyLimits() []error {
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
	if !awsurl.IsRegion(a.region) {
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
