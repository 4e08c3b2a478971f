package core

import (
	"context"
	"log/slog"
	"net/http"
	"reflect"
	"time"
)

// An Option configures New. Every option has one owner: the guard itself
// (its sources, policy, refusals and dev mode), or the Verifier — those are
// VerifierOptions, which New uses to build its own Verifier. Next to
// WithVerifier, a VerifierOption is a configuration error, since the
// Verifier given already has its configuration; only the options both use
// (WithEnvironment, WithLogger, WithClock, WithObserver) are accepted there.
type Option interface {
	apply(c *config)
	owner() optionOwner
}

// A VerifierOption configures a Verifier: NewVerifier accepts only these,
// and New accepts them to build the Verifier it uses.
type VerifierOption interface {
	Option
	verifierOption()
}

// optionOwner says which part of the configuration an option sets.
type optionOwner struct {
	name     string // the option's name, for errors
	verifier bool   // set in the Verifier
	shared   bool   // also used by the guard: accepted next to WithVerifier
}

// guardOption sets a setting of the guard.
type guardOption struct {
	name string
	set  func(*config)
}

func (o guardOption) apply(c *config)    { o.set(c) }
func (o guardOption) owner() optionOwner { return optionOwner{name: o.name} }

// verifierOption sets a setting of the Verifier (shared: of both).
type verifierOption struct {
	name   string
	shared bool
	set    func(*config)
}

func (o verifierOption) apply(c *config) { o.set(c) }
func (o verifierOption) owner() optionOwner {
	return optionOwner{name: o.name, verifier: true, shared: o.shared}
}
func (verifierOption) verifierOption() {}

func verifierOpt(name string, set func(*config)) VerifierOption {
	return verifierOption{name: name, set: set}
}

func sharedOpt(name string, set func(*config)) VerifierOption {
	return verifierOption{name: name, shared: true, set: set}
}

func guardOpt(name string, set func(*config)) Option { return guardOption{name: name, set: set} }

// Options the Verifier and the guard share.

// WithEnvironment sets the function used to read the environment (default
// os.LookupEnv). Pass a function that always reports false to ignore the
// environment entirely. A lookup cannot list the variables, so the check
// for unknown COGNITO_AUTH_* variables then sees only what
// WithEnvironmentNames lists (nothing without it).
func WithEnvironment(lookup func(string) (string, bool)) VerifierOption {
	return sharedOpt("WithEnvironment", func(c *config) { c.lookupEnv = lookup })
}

// WithEnvironmentNames sets the function that lists the environment's
// variables for the check of unknown COGNITO_AUTH_* variables: names, or
// NAME=VALUE entries as os.Environ returns them (only the names are read).
// By default the process environment is listed, unless WithEnvironment
// replaces the lookup; give both to check an environment of your own.
func WithEnvironmentNames(list func() []string) VerifierOption {
	return sharedOpt("WithEnvironmentNames", func(c *config) { c.listEnv = list })
}

// WithStrictEnv makes a COGNITO_AUTH_* variable that no package of
// cognito-auth-go reads (see KnownEnv) a configuration error instead of a
// warning (COGNITO_AUTH_STRICT_ENV).
func WithStrictEnv(on bool) VerifierOption {
	return sharedOpt("WithStrictEnv", func(c *config) { c.strictEnv = on })
}

// WithOwnEnv declares COGNITO_AUTH_* variables the app itself reads, so the
// check of unknown variables does not report them.
func WithOwnEnv(names ...string) VerifierOption {
	return sharedOpt("WithOwnEnv", func(c *config) { c.ownEnv = append(c.ownEnv, names...) })
}

// WithLogger sets the structured logger (default slog.Default()).
func WithLogger(l *slog.Logger) VerifierOption {
	return sharedOpt("WithLogger", func(c *config) { c.logger = l })
}

// WithClock sets the time source (default time.Now). For tests.
func WithClock(now func() time.Time) VerifierOption {
	return sharedOpt("WithClock", func(c *config) { c.now = now })
}

// WithObserver adds an Observer told about every authentication decision,
// key fetch, cache look-up and policy load (see Observer). Several observers
// are called in the order given. Pass it to NewVerifier too when the
// Verifier is shared (WithVerifier): key fetches and cache look-ups are the
// Verifier's, decisions and policy loads the BaseAuth's. A nil observer is
// ignored; a nil pointer of a concrete type is a configuration error.
func WithObserver(o Observer) VerifierOption {
	return sharedOpt("WithObserver", func(c *config) {
		if o == nil {
			return
		}
		if v := reflect.ValueOf(o); v.Kind() == reflect.Pointer && v.IsNil() {
			c.optErrs = append(c.optErrs, configError("WithObserver: got a nil %T; pass a value that works, or no observer", o))
			return
		}
		c.observers = append(c.observers, o)
	})
}

// Verifier options: who issues the tokens, and how they are checked.

// WithRegion sets the AWS region (COGNITO_AUTH_REGION): the region of a
// hosted-UI domain prefix. ALB keys come from each ALB ARN's own region; a
// region that differs from an ARN's is a configuration error.
func WithRegion(region string) VerifierOption {
	return verifierOpt("WithRegion", func(c *config) { c.region, c.regionSet = region, true })
}

// WithUserPoolIDs pins the Cognito user pools whose users are accepted
// (COGNITO_AUTH_USER_POOL_ID, comma-separated). For each pool both issuer
// formats are accepted: https://cognito-idp.REGION.amazonaws.com/POOL
// (ORIGINAL) and https://issuer-cognito-idp.REGION.amazonaws.com/POOL
// (UPDATED), where REGION is the part of the pool id before "_".
func WithUserPoolIDs(ids ...string) VerifierOption {
	return verifierOpt("WithUserPoolIDs", func(c *config) { c.userPoolIDs = append([]string(nil), ids...) })
}

// WithReplicaRegions accepts, for each pool, the ORIGINAL-format issuer of
// these regions too: pools with multi-Region replication issue tokens from
// their replica regions (COGNITO_AUTH_REPLICA_REGIONS, comma-separated).
func WithReplicaRegions(regions ...string) VerifierOption {
	return verifierOpt("WithReplicaRegions", func(c *config) { c.replicaRegions = append([]string(nil), regions...) })
}

// WithClientIDs pins the allowed app client ids (COGNITO_AUTH_CLIENT_ID,
// comma-separated).
func WithClientIDs(ids ...string) VerifierOption {
	return verifierOpt("WithClientIDs", func(c *config) { c.clientIDs = append([]string(nil), ids...) })
}

// WithMachineClientIDs accepts the client-credentials access tokens of these
// app clients (COGNITO_AUTH_MACHINE_CLIENT_IDS, comma-separated) as machine
// principals: User.Machine is true, Sub and ClientID are the client's id,
// Scopes what it was granted, and there is no username, email or group.
// Without it no machine token is accepted.
func WithMachineClientIDs(ids ...string) VerifierOption {
	return verifierOpt("WithMachineClientIDs", func(c *config) { c.machineClientIDs = append([]string(nil), ids...) })
}

// WithALBARNs sets the ALB ARNs accepted as the token's signer
// (COGNITO_AUTH_ALB_ARN, comma-separated).
func WithALBARNs(arns ...string) VerifierOption {
	return verifierOpt("WithALBARNs", func(c *config) { c.albARNs = append([]string(nil), arns...) })
}

// WithALBKeysURL sets the base URL of the ALB public keys for every ALB
// (COGNITO_AUTH_ALB_KEYS_URL), instead of the endpoint AWS documents for
// each ARN's region. It must be https, or http on a loopback host.
func WithALBKeysURL(u string) VerifierOption {
	return verifierOpt("WithALBKeysURL", func(c *config) { c.albKeysURL = u })
}

// WithJWKSURL sets the Cognito JWKS URL used for every accepted issuer
// (COGNITO_AUTH_JWKS_URL), instead of each issuer's own
// ISSUER/.well-known/jwks.json: for tests and proxies.
func WithJWKSURL(u string) VerifierOption {
	return verifierOpt("WithJWKSURL", func(c *config) { c.jwksURL = u })
}

// WithRevalidation turns on revocation checks (COGNITO_AUTH_REVALIDATE_EVERY,
// COGNITO_AUTH_DOMAIN): a verified user's access token is trusted for every
// after it was issued or last checked, then checked with the user pool's
// userInfo endpoint at domain before it is trusted again — once per token
// per interval in this process, however many requests share it. A revoked
// token is refused, 401 token_revoked. every 0 turns checks off.
func WithRevalidation(every time.Duration, domain string) VerifierOption {
	return verifierOpt("WithRevalidation", func(c *config) { c.revalidateEvery, c.domain = every, domain })
}

// WithRevalidationGrace keeps a token trusted for up to d past its due
// revocation check while userInfo cannot be reached
// (COGNITO_AUTH_REVALIDATE_GRACE). Without it (0, the default) such a
// request is refused 503 revalidation_unavailable: fail closed.
func WithRevalidationGrace(d time.Duration) VerifierOption {
	return verifierOpt("WithRevalidationGrace", func(c *config) { c.revalidateGrace = d })
}

// WithAllowUnverifiedEmail accepts users whose email is present but not
// verified. By default they are refused (email-based rules would otherwise
// trust an address nobody proved they own).
func WithAllowUnverifiedEmail() VerifierOption {
	return verifierOpt("WithAllowUnverifiedEmail", func(c *config) { c.allowUnverified = true })
}

// WithHTTPClient sets the client used to fetch keys. Its own Timeout still
// applies; the fetch timeout applies as well.
func WithHTTPClient(hc *http.Client) VerifierOption {
	return verifierOpt("WithHTTPClient", func(c *config) { c.httpClient = hc })
}

// WithLeeway sets the clock skew allowed on exp, iat and nbf (default 30s,
// at most 5 minutes).
func WithLeeway(d time.Duration) VerifierOption {
	return verifierOpt("WithLeeway", func(c *config) { c.leeway = d })
}

// WithFetchTimeout bounds every key fetch (default 5s).
func WithFetchTimeout(d time.Duration) VerifierOption {
	return verifierOpt("WithFetchTimeout", func(c *config) { c.fetchTimeout = d })
}

// WithTokenCache bounds the verified-token cache: at most entries entries
// whose tokens total at most bytes. WithTokenCache(0, 0) turns it off.
func WithTokenCache(entries, bytes int) VerifierOption {
	return verifierOpt("WithTokenCache", func(c *config) { c.cacheEntries, c.cacheBytes = entries, bytes })
}

// WithJWKSRefresh sets how often the JWKS is refreshed in the background
// (default 1h) and the least time between two reloads caused by unknown
// kids (default 10s). A failed load does not count: the next one is tried
// after a backoff of at most a second.
func WithJWKSRefresh(background, minInterval time.Duration) VerifierOption {
	return verifierOpt("WithJWKSRefresh", func(c *config) { c.jwksEvery, c.jwksMin = background, minInterval })
}

// WithKeyFetchLimit bounds fetches of ALB keys for kids not yet cached: at
// most burst at once, one more every per (default 10, one per 6s). Only the
// request that starts a fetch is charged, and a fetch that failed because
// the key server did is refunded.
func WithKeyFetchLimit(burst int, per time.Duration) VerifierOption {
	return verifierOpt("WithKeyFetchLimit", func(c *config) { c.missBurst, c.missEvery = burst, per })
}

// Guard options: where credentials come from, who may come in, and how
// refusals are answered.

// WithVerifier makes New use v (shared, for example with hostedui.New)
// instead of building its own Verifier. The caller keeps ownership: Close
// v after the BaseAuth. Verifier options next to it are a configuration
// error: give them to NewVerifier.
func WithVerifier(v *Verifier) Option {
	return guardOpt("WithVerifier", func(c *config) { c.verifier = v })
}

// WithSources adds credential sources, tried in order after ALB headers and
// bearer tokens and before dev mode: for example the hosted-UI session
// source from hostedui.New. Sources that implement PathOwner get their
// routes let through app-wide protection; the first that implements
// LoginRedirector is where browsers without credentials are sent.
func WithSources(sources ...Source) Option {
	return guardOpt("WithSources", func(c *config) { c.sources = append(c.sources, sources...) })
}

// WithBearer accepts "Authorization: Bearer <Cognito access token>" on
// requests without ALB headers (COGNITO_AUTH_BEARER), verified with the same
// rules as the ALB's access token: pinned pool, token_use access, client id
// allow-list. Off by default.
func WithBearer(on bool) Option {
	return guardOpt("WithBearer", func(c *config) { c.bearer = on })
}

// WithAPIGatewayAuthorizer reads the user from the claims an Amazon API
// Gateway authorizer already verified — the REST API's Cognito user-pool
// authorizer or the HTTP API's JWT authorizer — which lambdaauth puts in
// the request's context (COGNITO_AUTH_TRUST_APIGATEWAY_AUTHORIZER). The
// claims must name a configured pool and client; the app policy applies as
// for any user. Off by default: turn it on only for a function that nothing
// but API Gateway can invoke, on routes that all have the authorizer.
func WithAPIGatewayAuthorizer(on bool) Option {
	return guardOpt("WithAPIGatewayAuthorizer", func(c *config) { c.trustAuthorizer = on })
}

// WithMachineAccess says where machine principals may go
// (COGNITO_AUTH_MACHINE_ACCESS). By default (anywhere false, "rules") only
// to routes whose rules admit them: app-wide protection and routes without
// rules refuse them (403 machine_not_allowed), and a route's rules
// (RequireScopes, AllowClients) decide. With anywhere true ("all") a
// machine principal may reach every route whose rules it passes, routes
// without rules included. The app-wide user policy never applies to them.
func WithMachineAccess(anywhere bool) Option {
	return guardOpt("WithMachineAccess", func(c *config) { c.machinesAnywhere = anywhere })
}

// WithAllowedOrigins sets the origins (scheme://host[:port]) WebSocket
// upgrade requests may come from (COGNITO_AUTH_ALLOWED_ORIGINS): an upgrade
// from any other origin is refused, 403 cross_origin, before its
// credentials are looked at. Without it, only the app's own host.
func WithAllowedOrigins(origins ...string) Option {
	return guardOpt("WithAllowedOrigins", func(c *config) { c.allowedOrigins = append([]string(nil), origins...) })
}

// WithRedirectURL sets where browsers are sent when they are not allowed in
// (COGNITO_AUTH_REDIRECT_URL). Empty shows a small 401/403 page instead.
func WithRedirectURL(u string) Option {
	return guardOpt("WithRedirectURL", func(c *config) { c.redirectURL = u })
}

// WithSignOutURL sets where the Sign out link of the refusal pages goes
// (COGNITO_AUTH_SIGN_OUT_URL): behind an ALB, the app's route that runs
// ALBLogout, as a path ("/logout") or an absolute URL. It overrides the
// hosted UI's logout route. Without it and without a hosted-UI source, the
// pages have no Sign out link: core cannot know where the app signs out.
func WithSignOutURL(u string) Option {
	return guardOpt("WithSignOutURL", func(c *config) { c.signOutURL = u })
}

// WithPages replaces the pages browsers see when a request is refused (see
// Page, kind PageRefusal). render gets the page's words, who is signed in
// and its links, and returns the whole HTML document; returning nil keeps
// the library's page (RenderPage). The result is sent as NewPage sends
// every page: with no-store, nosniff, Referrer-Policy same-origin and a
// Content-Security-Policy that allows no script and only the document's
// own style elements (by hash). Pass the same renderer to
// hostedui.WithPages for the sign-out pages.
func WithPages(render func(Page) []byte) Option {
	return guardOpt("WithPages", func(c *config) { c.pages = render })
}

// WithDevMode turns development mode on or off (COGNITO_AUTH_DEV_MODE):
// requests without any authentication headers get the mock user.
func WithDevMode(on bool) Option {
	return guardOpt("WithDevMode", func(c *config) { c.devMode = on })
}

// WithDevModeForced allows dev mode even where the process looks like
// production (COGNITO_AUTH_DEV_MODE_FORCE). Use with great care.
func WithDevModeForced() Option {
	return guardOpt("WithDevModeForced", func(c *config) { c.devForce = true })
}

// WithDevConfig sets the mock user JSON file (COGNITO_AUTH_DEV_CONFIG).
func WithDevConfig(path string) Option {
	return guardOpt("WithDevConfig", func(c *config) { c.devConfigPath = path })
}

// WithDevUser sets the dev-mode mock user directly, instead of a file.
func WithDevUser(u *User) Option {
	return guardOpt("WithDevUser", func(c *config) { c.devUser = u.Clone() })
}

// WithAuthoriser sets the authorisation decision (an *Authoriser, a
// *PolicyWatcher or your own Decider). It overrides COGNITO_AUTH_CONFIG_PATH
// and COGNITO_AUTH_SECRET_NAME.
func WithAuthoriser(d Decider) Option {
	return guardOpt("WithAuthoriser", func(c *config) { c.decider = d })
}

// WithPolicy sets a policy written in code (plus custom rules).
func WithPolicy(p Policy, custom ...Rule) Option {
	return guardOpt("WithPolicy", func(c *config) {
		a, err := NewAuthoriser(p, custom...)
		if err != nil {
			c.optErrs = append(c.optErrs, err)
			return
		}
		c.decider = a
	})
}

// WithPolicySource loads the policy from src and keeps it fresh (see
// PolicyWatcher); the BaseAuth owns the watcher and Close stops it. The
// secretspolicy module provides a Secrets Manager source.
func WithPolicySource(src PolicySource) Option {
	return guardOpt("WithPolicySource", func(c *config) { c.policySource = src })
}

// WithPolicyReloadInterval sets how often a policy file or secret is re-read
// (COGNITO_AUTH_POLICY_RELOAD_INTERVAL, default 5m, at least 1s).
func WithPolicyReloadInterval(d time.Duration) Option {
	return guardOpt("WithPolicyReloadInterval", func(c *config) { c.policyReload = d })
}

// WithRules adds custom rules to the policy loaded from the environment or a
// policy source (with no policy configured they are the whole policy).
func WithRules(rules ...Rule) Option {
	return guardOpt("WithRules", func(c *config) { c.rules = append(c.rules, rules...) })
}

// DenialHook is called for every request refused by authorisation (not for
// failed authentication), with the stable code (forbidden or
// route_forbidden). It must be fast and must not keep u.
type DenialHook func(ctx context.Context, u *User, code Code)

// WithDenialHook sets a hook for counting or auditing denials.
func WithDenialHook(h DenialHook) Option {
	return guardOpt("WithDenialHook", func(c *config) { c.denialHook = h })
}
