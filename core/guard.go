package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/trace"
)

// BaseAuth is the guard: it authenticates a request with its credential
// sources (tried in order: an API Gateway authorizer's claims when trusted,
// ALB headers, a bearer token, the sources given with WithSources, dev mode), then authorises the user against the
// app-wide policy and per-route rules, and decides how a refusal is
// answered. Build one per process with New; it is safe for concurrent use.
// Call Close when done to stop its background work.
type BaseAuth struct {
	cfg         *config
	verifier    *Verifier
	ownVerifier bool // built by New, so closed by Close
	sources     []Source
	decider     Decider
	watcher     *PolicyWatcher // owned: closed by Close
	closeOnce   sync.Once
}

// New builds a BaseAuth: defaults, then the COGNITO_AUTH_* environment,
// then options. It uses the Verifier given with WithVerifier, or builds one
// from the same configuration. Every configuration problem is returned
// together in one error matching ErrConfig; New never panics.
func New(opts ...Option) (*BaseAuth, error) {
	cfg, err := loadConfig(opts, guardChecks)
	if err != nil {
		return nil, err
	}
	a := &BaseAuth{cfg: cfg, verifier: cfg.verifier}
	if err := a.buildDecider(); err != nil {
		return nil, err
	}
	var dev *devSource
	if cfg.devMode {
		d, err := newDevSource(cfg)
		if err != nil {
			a.closeWatcher()
			return nil, err
		}
		dev = &d
	}
	if a.verifier == nil {
		a.verifier, a.ownVerifier = newVerifier(&cfg.verifierConfig), true
	}
	if cfg.trustAuthorizer {
		a.sources = append(a.sources, authorizerSource{a.verifier})
	}
	a.sources = append(a.sources, albSource{a.verifier})
	if cfg.bearer {
		a.sources = append(a.sources, bearerSource{a.verifier})
	}
	a.sources = append(a.sources, cfg.sources...)
	if dev != nil {
		a.sources = append(a.sources, *dev)
	}
	return a, nil
}

// Close stops background work (the policy watcher, and the key refresher of
// a Verifier New built) and waits for it. It is safe to call more than once.
func (a *BaseAuth) Close() error {
	a.closeOnce.Do(func() {
		if a.ownVerifier {
			_ = a.verifier.Close()
		}
		a.closeWatcher()
	})
	return nil
}

// Verifier returns the Verifier the BaseAuth verifies tokens with.
func (a *BaseAuth) Verifier() *Verifier { return a.verifier }

// Logger returns the configured logger.
func (a *BaseAuth) Logger() *slog.Logger { return a.cfg.logger }

// OwnsPath reports whether path is a route of one of the sources (the
// hosted-UI login, callback or logout), which app-wide protection must let
// through.
func (a *BaseAuth) OwnsPath(path string) bool {
	for _, s := range a.sources {
		if o, ok := s.(PathOwner); ok && o.OwnsPath(path) {
			return true
		}
	}
	return false
}

// loginRedirector returns the first source that can sign a browser in.
func (a *BaseAuth) loginRedirector() LoginRedirector {
	for _, s := range a.sources {
		if l, ok := s.(LoginRedirector); ok {
			return l
		}
	}
	return nil
}

// Authenticate finds the request's user with the first source that has
// credentials in it, and then authorises the user against the app-wide
// policy and any per-route rules (all of which must pass; app admins pass
// them all). On success it returns a fresh *User owned by the caller. On
// failure the error matches one of the sentinels (ErrMissingToken,
// ErrInvalidToken, ErrExpiredToken, ErrForbidden, ErrUnavailable,
// ErrConfig) and carries a Code; Failure turns it into the response to send.
func (a *BaseAuth) Authenticate(ctx context.Context, req Request, routeRules ...Rule) (*User, error) {
	obs := a.cfg.observer
	var start time.Time
	if obs != nil {
		start = time.Now()
	}
	var u *User
	var src Source
	var err error
	if e := a.checkOrigin(req); e != nil {
		err = e
	} else {
		u, src, err = a.identify(ctx, req)
	}
	if err == nil {
		if err = a.authorise(ctx, u, routeRules); err == nil {
			if obs != nil {
				a.observeDecision(ctx, start, src, u, nil)
			}
			return u, nil
		}
	}
	if obs != nil {
		a.observeDecision(ctx, start, src, u, err)
	}
	a.logRefusal(ctx, req.Path(), u, err)
	return nil, err
}

// observeDecision tells the observer how a decision ended.
func (a *BaseAuth) observeDecision(ctx context.Context, start time.Time, src Source, u *User, err error) {
	e := DecisionEvent{Source: sourceName(src), Outcome: outcomeOf(err), Code: CodeOf(err), Start: start, Duration: time.Since(start)}
	if u != nil {
		e.UserPoolID = u.UserPoolID
	}
	a.cfg.observer.ObserveDecision(ctx, e)
}

// identify asks each source in order; the first with credentials decides
// (and is returned, nil when none had credentials).
func (a *BaseAuth) identify(ctx context.Context, req Request) (*User, Source, error) {
	for _, s := range a.sources {
		u, err := s.Authenticate(ctx, req)
		if errors.Is(err, ErrNoCredentials) {
			continue
		}
		if err != nil {
			u = nil
		}
		return u, s, err
	}
	return nil, nil, newError(ErrMissingToken, CodeMissingToken, "no credentials: no authentication headers, bearer token or session")
}

// Authorise applies the app-wide policy and the given per-route rules to an
// already authenticated user (for example one an outer middleware stored),
// and records on u whether the policy made it an app admin. It returns nil
// or an error matching ErrForbidden (or ErrUnavailable when the policy has
// never loaded).
func (a *BaseAuth) Authorise(ctx context.Context, u *User, routeRules ...Rule) error {
	if u == nil {
		return newError(ErrMissingToken, CodeMissingToken, "no user")
	}
	err := a.authorise(ctx, u, routeRules)
	if err != nil {
		a.logRefusal(ctx, "", u, err)
	}
	return err
}

func (a *BaseAuth) authorise(ctx context.Context, u *User, routeRules []Rule) error {
	if u.Machine {
		return a.authoriseMachine(ctx, u, routeRules)
	}
	st := a.cfg.steps
	if st.on() {
		a.explainPolicy(ctx, u)
	}
	d, err := a.decider.Decide(ctx, u)
	if err != nil {
		if st.on() {
			_ = st.fail(trace.StagePolicy, "result", "no decision", asError(err))
			st.notApplied(routeRules, "stage 1 made no decision")
		}
		return err
	}
	if !d.Allowed {
		e := st.fail(trace.StagePolicy, "result", "refused: the app policy does not admit the user", a.deny(ctx, u, CodeForbidden, "the authorisation policy refused the user"))
		st.notApplied(routeRules, "stage 1 refused")
		return e
	}
	u.appAdmin = d.AppAdmin
	if d.AppAdmin {
		st.pass(trace.StagePolicy, "result", "passed, as an app admin")
		st.notApplied(routeRules, "app admins pass every route rule")
		return nil
	}
	st.pass(trace.StagePolicy, "result", "passed")
	return a.routeRules(ctx, u, routeRules, "a per-route rule refused the user")
}

// routeRules applies stage 2, the route's own rules: every one must admit
// u. Explained, every rule is evaluated and recorded.
func (a *BaseAuth) routeRules(ctx context.Context, u *User, rules []Rule, detail string) error {
	st := a.cfg.steps
	if len(rules) == 0 {
		st.note(trace.StageRoute, "rules", "none on this route")
		return nil
	}
	refused := 0 // the first rule that does not admit u, from 1
	for i, r := range rules {
		ok := r.Allows(ctx, u)
		if st.on() {
			st.rule(trace.StageRoute, fmt.Sprintf("rule #%d", i+1), r, u, ok)
		}
		if !ok && refused == 0 {
			refused = i + 1
			if !st.on() {
				break
			}
		}
	}
	if refused > 0 {
		var e *Error
		if s, ok := freshSignInAdmits(ctx, allOf(rules), u); ok && !u.Machine {
			e = s.refusal(u) // 401 sign_in_too_old: a fresh sign-in admits the user
		} else {
			e = a.deny(ctx, u, CodeRouteForbidden, detail)
		}
		if st.on() {
			_ = st.fail(trace.StageRoute, "result", fmt.Sprintf("refused: rule #%d does not admit the %s", refused, who(u)), e)
		}
		return e
	}
	st.pass(trace.StageRoute, "result", "passed")
	return nil
}

// authoriseMachine decides for a machine principal: the app-wide user
// policy does not apply; the route's rules decide, and where there are none
// it is admitted only with WithMachineAccess(true).
func (a *BaseAuth) authoriseMachine(ctx context.Context, u *User, routeRules []Rule) error {
	st := a.cfg.steps
	if st.on() {
		st.note(trace.StagePolicy, "result", "not applied: a machine client ("+u.ClientID+"), not a user")
	}
	if len(routeRules) == 0 {
		if !a.cfg.machinesAnywhere {
			return st.fail(trace.StageRoute, "result", "none on this route, and machine clients go only where a rule admits them",
				a.deny(ctx, u, CodeMachineForbidden, "a machine client on a route with no rule that admits it; give the route a rule (core.RequireScopes, core.AllowClients) or set "+EnvMachineAccess+"=all"))
		}
		st.pass(trace.StageRoute, "result", "none on this route; machine clients admitted everywhere ("+EnvMachineAccess+"=all)")
		return nil
	}
	return a.routeRules(ctx, u, routeRules, "a per-route rule refused the machine client")
}

func (a *BaseAuth) deny(ctx context.Context, u *User, code Code, detail string) *Error {
	if a.cfg.denialHook != nil {
		a.cfg.denialHook(ctx, u, code)
	}
	return newError(ErrForbidden, code, detail).forUser(u)
}

// buildDecider picks the authorisation decision: an explicit Decider, else a
// policy source (option or COGNITO_AUTH_CONFIG_PATH) kept fresh by a watcher,
// else custom rules alone, else every authenticated user.
func (a *BaseAuth) buildDecider() error {
	cfg := a.cfg
	src := cfg.policySource
	if src == nil && cfg.decider == nil && cfg.configPath != "" {
		// A mistyped path must not start an app that refuses everyone.
		if _, err := os.Stat(cfg.configPath); err != nil {
			return newError(ErrConfig, CodeInvalidConfig, fmt.Sprintf(
				"%s=%s: the policy file cannot be read (%v); fix the path or unset the variable", EnvConfigPath, cfg.configPath, err))
		}
		src = FilePolicySource(cfg.configPath)
	}
	switch {
	case cfg.decider != nil:
		a.decider = cfg.decider
	case src != nil:
		w, err := NewPolicyWatcher(context.Background(), src, PolicyWatcherConfig{
			Interval: cfg.policyReload, Logger: cfg.logger, Rules: cfg.rules, Observer: cfg.observer,
		})
		if errors.Is(err, ErrInvalidPolicy) {
			_ = w.Close()
			return newError(ErrConfig, CodeInvalidConfig, err.Error())
		}
		a.decider, a.watcher = w, w
	default:
		auth, err := NewAuthoriser(Policy{}, cfg.rules...)
		if err != nil {
			return err
		}
		a.decider = auth
		if len(cfg.rules) == 0 {
			cfg.logger.Info("cognito-auth: no authorisation policy configured; every authenticated user of the pool is allowed",
				slog.String("hint", "set "+EnvConfigPath+" or "+EnvSecretName+", or pass core.WithPolicy"))
		}
	}
	return nil
}

func (a *BaseAuth) closeWatcher() {
	if a.watcher != nil {
		_ = a.watcher.Close()
	}
}

// PolicyWatcher returns the watcher the BaseAuth owns (from
// COGNITO_AUTH_CONFIG_PATH or WithPolicySource), or nil. Use it to Reload on
// demand.
func (a *BaseAuth) PolicyWatcher() *PolicyWatcher { return a.watcher }

// logRefusal logs a refusal: the code, path and reason, and for an
// authenticated user their email and groups. Never token contents.
func (a *BaseAuth) logRefusal(ctx context.Context, path string, u *User, err error) {
	level := slog.LevelInfo
	if errors.Is(err, ErrUnavailable) || errors.Is(err, ErrConfig) || errors.Is(err, errInvalidKey) {
		level = slog.LevelWarn // a key problem or an outage: the operator should look
	}
	attrs := []slog.Attr{slog.String("code", string(CodeOf(err))), slog.String("reason", err.Error())}
	if path != "" {
		attrs = append(attrs, slog.String("path", path))
	}
	msg := "cognito-auth: request refused"
	if u != nil {
		msg = "cognito-auth: access denied"
		attrs = append(attrs, slog.String("email", u.Email), slog.Any("groups", u.Groups), slog.String("sub", u.Sub))
	}
	a.cfg.logger.LogAttrs(ctx, level, msg, attrs...)
}

// sourceName names a credential source for DecisionEvent.Source.
func sourceName(s Source) string {
	switch s := s.(type) {
	case nil:
		return SourceNone
	case albSource:
		return SourceALB
	case bearerSource:
		return SourceBearer
	case devSource:
		return SourceDev
	case authorizerSource:
		return SourceAPIGatewayAuthorizer
	case NamedSource:
		if n := s.SourceName(); n != "" {
			return n
		}
	}
	return SourceCustom
}
