package otelauth

import (
	"context"
	"errors"
	"strconv"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// ScopeName is the instrumentation scope of the meter and tracer.
const ScopeName = "github.com/cognitoauth/cognito-auth-go/otelauth"

// Attribute keys.
const (
	AttrSource       = attribute.Key("cognito_auth.source")
	AttrOutcome      = attribute.Key("cognito_auth.outcome")
	AttrCode         = attribute.Key("cognito_auth.code")
	AttrUserPool     = attribute.Key("cognito_auth.user_pool.id")
	AttrKeySource    = attribute.Key("cognito_auth.key.source")
	AttrCacheName    = attribute.Key("cognito_auth.cache.name")
	AttrCacheResult  = attribute.Key("cognito_auth.cache.result")
	AttrPolicySource = attribute.Key("cognito_auth.policy.source")
	AttrSessionEvent = attribute.Key("cognito_auth.session.event")
	// AttrHTTPStatus and AttrErrorType are OpenTelemetry's own
	// (http.response.status_code, error.type).
	AttrHTTPStatus = attribute.Key("http.response.status_code")
	AttrErrorType  = attribute.Key("error.type")
	// AttrURL is url.full, set on key fetch spans (the configured key
	// endpoint, never a URL from a token).
	AttrURL = attribute.Key("url.full")
)

// Option configures the Observer.
type Option func(*config)

type config struct {
	mp      metric.MeterProvider
	tp      trace.TracerProvider
	noPool  bool
	noSpans bool
}

// WithMeterProvider sets the meter provider (default otel.GetMeterProvider()).
func WithMeterProvider(mp metric.MeterProvider) Option { return func(c *config) { c.mp = mp } }

// WithTracerProvider sets the tracer provider (default otel.GetTracerProvider()).
func WithTracerProvider(tp trace.TracerProvider) Option { return func(c *config) { c.tp = tp } }

// WithoutUserPoolAttribute leaves cognito_auth.user_pool.id off the
// decision counter (one pool per app makes it redundant).
func WithoutUserPoolAttribute() Option { return func(c *config) { c.noPool = true } }

// WithoutSpans records metrics only.
func WithoutSpans() Option { return func(c *config) { c.noSpans = true } }

// Observer records core's events as OpenTelemetry metrics and spans. Build
// it with New and pass it to core.WithObserver (and to core.NewVerifier
// when the Verifier is shared). It is safe for concurrent use.
type Observer struct {
	core.NopObserver
	tracer trace.Tracer
	cfg    config

	decisions      metric.Int64Counter
	decisionTime   metric.Float64Histogram
	fetches        metric.Int64Counter
	fetchTime      metric.Float64Histogram
	fetchSize      metric.Int64Histogram
	cacheLookups   metric.Int64Counter
	policyLoads    metric.Int64Counter
	sessionsEvents metric.Int64Counter
}

var (
	_ core.Observer            = (*Observer)(nil)
	_ hostedui.SessionObserver = (*Observer)(nil)
)

// New creates the instruments. It fails only when the meter provider
// refuses an instrument.
func New(opts ...Option) (*Observer, error) {
	var c config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.mp == nil {
		c.mp = otel.GetMeterProvider()
	}
	if c.tp == nil {
		c.tp = otel.GetTracerProvider()
	}
	m := c.mp.Meter(ScopeName)
	o := &Observer{cfg: c, tracer: c.tp.Tracer(ScopeName)}
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	var err error
	o.decisions, err = m.Int64Counter("cognito_auth.decisions", metric.WithUnit("{decision}"),
		metric.WithDescription("Authentication decisions, by credential source, outcome and refusal code."))
	add(err)
	o.decisionTime, err = m.Float64Histogram("cognito_auth.decision.duration", metric.WithUnit("s"),
		metric.WithDescription("Time to verify and authorise a request."),
		metric.WithExplicitBucketBoundaries(0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
	add(err)
	o.fetches, err = m.Int64Counter("cognito_auth.key.fetches", metric.WithUnit("{fetch}"),
		metric.WithDescription("Outbound requests for ALB keys and JWKS."))
	add(err)
	o.fetchTime, err = m.Float64Histogram("cognito_auth.key.fetch.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of key requests."))
	add(err)
	o.fetchSize, err = m.Int64Histogram("cognito_auth.key.fetch.body.size", metric.WithUnit("By"),
		metric.WithDescription("Size of key response bodies."))
	add(err)
	o.cacheLookups, err = m.Int64Counter("cognito_auth.cache.lookups", metric.WithUnit("{lookup}"),
		metric.WithDescription("Look-ups in the verified-token caches, by cache and result (hit or miss)."))
	add(err)
	o.policyLoads, err = m.Int64Counter("cognito_auth.policy.loads", metric.WithUnit("{load}"),
		metric.WithDescription("Loads of the authorisation policy; failed ones carry error.type."))
	add(err)
	o.sessionsEvents, err = m.Int64Counter("cognito_auth.sessions", metric.WithUnit("{session}"),
		metric.WithDescription("Hosted-UI logins, refreshes and logouts, by outcome."))
	add(err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return o, nil
}

// ObserveDecision implements core.Observer.
func (o *Observer) ObserveDecision(ctx context.Context, e core.DecisionEvent) {
	attrs := make([]attribute.KeyValue, 0, 4)
	attrs = append(attrs, AttrSource.String(e.Source), AttrOutcome.String(string(e.Outcome)))
	if e.Code != "" {
		attrs = append(attrs, AttrCode.String(string(e.Code)))
	}
	timeAttrs := metric.WithAttributeSet(attribute.NewSet(attrs[:2]...))
	if e.UserPoolID != "" && !o.cfg.noPool {
		attrs = append(attrs, AttrUserPool.String(e.UserPoolID))
	}
	o.decisions.Add(ctx, 1, metric.WithAttributeSet(attribute.NewSet(attrs...)))
	o.decisionTime.Record(ctx, e.Duration.Seconds(), timeAttrs)
	if o.cfg.noSpans {
		return
	}
	_, span := o.tracer.Start(ctx, "cognito_auth.authenticate", trace.WithTimestamp(e.Start),
		trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	if e.Outcome == core.OutcomeUnavailable || e.Outcome == core.OutcomeError {
		span.SetStatus(codes.Error, string(e.Code))
	}
	span.End(trace.WithTimestamp(e.Start.Add(e.Duration)))
}

// ObserveKeyFetch implements core.Observer.
func (o *Observer) ObserveKeyFetch(ctx context.Context, e core.KeyFetchEvent) {
	attrs := make([]attribute.KeyValue, 0, 3)
	attrs = append(attrs, AttrKeySource.String(e.Source))
	if e.Status != 0 {
		attrs = append(attrs, AttrHTTPStatus.Int(e.Status))
	}
	errType := errorType(e.Status, e.Err)
	if errType != "" {
		attrs = append(attrs, AttrErrorType.String(errType))
	}
	o.fetches.Add(ctx, 1, metric.WithAttributes(attrs...))
	timeAttrs := []attribute.KeyValue{AttrKeySource.String(e.Source)}
	if errType != "" {
		timeAttrs = append(timeAttrs, AttrErrorType.String(errType))
	}
	o.fetchTime.Record(ctx, e.Duration.Seconds(), metric.WithAttributes(timeAttrs...))
	if e.Err == nil {
		o.fetchSize.Record(ctx, int64(e.Bytes), metric.WithAttributes(AttrKeySource.String(e.Source)))
	}
	if o.cfg.noSpans {
		return
	}
	_, span := o.tracer.Start(ctx, "cognito_auth.key.fetch", trace.WithTimestamp(e.Start),
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(append(attrs, AttrURL.String(e.URL), attrHTTPMethod)...))
	if e.Err != nil {
		span.SetStatus(codes.Error, errType)
	}
	span.End(trace.WithTimestamp(e.Start.Add(e.Duration)))
}

// attrHTTPMethod is http.request.method, required on HTTP client spans:
// key fetches are GETs.
var attrHTTPMethod = attribute.String("http.request.method", "GET")

// errorType is error.type for a key fetch: the HTTP status when the server
// answered with a status other than 2xx, "timeout", or "_OTHER" (a 200
// whose body could not be read, for example); "" for a success.
func errorType(status int, err error) string {
	switch {
	case err == nil:
		return ""
	case status != 0 && (status < 200 || status > 299):
		return strconv.Itoa(status)
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return "_OTHER"
}

// ObserveCache implements core.Observer.
func (o *Observer) ObserveCache(ctx context.Context, e core.CacheEvent) {
	result := "miss"
	if e.Hit {
		result = "hit"
	}
	o.cacheLookups.Add(ctx, 1, metric.WithAttributes(AttrCacheName.String(e.Cache), AttrCacheResult.String(result)))
}

// ObservePolicy implements core.Observer.
func (o *Observer) ObservePolicy(ctx context.Context, e core.PolicyEvent) {
	attrs := []attribute.KeyValue{AttrPolicySource.String(e.Source)}
	if e.Err != nil {
		t := "_OTHER"
		if errors.Is(e.Err, core.ErrInvalidPolicy) {
			t = "invalid_policy"
		}
		attrs = append(attrs, AttrErrorType.String(t))
	}
	o.policyLoads.Add(ctx, 1, metric.WithAttributes(attrs...))
}

// ObserveSession implements hostedui.SessionObserver: hosted-UI logins,
// refreshes, logouts and revocations.
func (o *Observer) ObserveSession(ctx context.Context, e hostedui.SessionEvent) {
	attrs := []attribute.KeyValue{AttrSessionEvent.String(string(e.Kind)), AttrOutcome.String(string(e.Outcome))}
	if e.Code != "" {
		attrs = append(attrs, AttrCode.String(string(e.Code)))
	}
	o.sessionsEvents.Add(ctx, 1, metric.WithAttributes(attrs...))
}
