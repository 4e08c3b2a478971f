package otelauth_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
	"github.com/cognitoauth/cognito-auth-go/otelauth"
)

// setup serves a real net/http router protected by a BaseAuth observed by
// otelauth with an in-memory reader and span recorder.
func setup(t *testing.T, iss *ct.Issuer, opts ...core.Option) (*httptest.Server, *sdkmetric.ManualReader, *tracetest.SpanRecorder) {
	t.Helper()
	reader := sdkmetric.NewManualReader()
	spans := tracetest.NewSpanRecorder()
	obs, err := otelauth.New(
		otelauth.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))),
		otelauth.WithTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))),
	)
	if err != nil {
		t.Fatal(err)
	}
	all := append(iss.Options(), core.WithObserver(obs), core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	auth, err := core.New(append(all, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = auth.Close() })
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		req := core.HTTPRequest(r)
		u, err := auth.Authenticate(r.Context(), req)
		if err != nil {
			f := auth.Failure(req, err)
			f.Write(w)
			return
		}
		_, _ = io.WriteString(w, u.Sub)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, reader, spans
}

func get(t *testing.T, srv *httptest.Server, h ct.Headers) int {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/orders", nil)
	if err != nil {
		t.Fatal(err)
	}
	h.Apply(req)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// sums returns each counter's data points by their attribute set.
func sums(t *testing.T, reader *sdkmetric.ManualReader) (map[string]map[attribute.Distinct]int64, map[string]metricdata.Aggregation) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	counters := map[string]map[attribute.Distinct]int64{}
	all := map[string]metricdata.Aggregation{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != otelauth.ScopeName {
			t.Errorf("scope %q", sm.Scope.Name)
		}
		for _, m := range sm.Metrics {
			all[m.Name] = m.Data
			if s, ok := m.Data.(metricdata.Sum[int64]); ok {
				counters[m.Name] = map[attribute.Distinct]int64{}
				for _, dp := range s.DataPoints {
					counters[m.Name][dp.Attributes.Equivalent()] = dp.Value
				}
			}
		}
	}
	return counters, all
}

func set(kv ...attribute.KeyValue) attribute.Distinct {
	s := attribute.NewSet(kv...)
	return s.Equivalent()
}

func TestMetricsAndSpansThroughARouter(t *testing.T) {
	iss := ct.Start(t)
	srv, reader, spans := setup(t, iss)
	valid := iss.Mint(ct.User{Email: "alice@example.com"})
	for range 3 {
		if s := get(t, srv, valid); s != http.StatusOK {
			t.Fatalf("valid request: %d", s)
		}
	}
	if s := get(t, srv, iss.Mint(ct.User{}, ct.Expired())); s != http.StatusUnauthorized {
		t.Fatalf("expired: %d", s)
	}
	counters, all := sums(t, reader)

	decisions := counters["cognito_auth.decisions"]
	allowed := set(otelauth.AttrSource.String("alb"), otelauth.AttrOutcome.String("allowed"), otelauth.AttrUserPool.String(iss.UserPoolID()))
	expired := set(otelauth.AttrSource.String("alb"), otelauth.AttrOutcome.String("unauthenticated"), otelauth.AttrCode.String("token_expired"))
	if decisions[allowed] != 3 || decisions[expired] != 1 || len(decisions) != 2 {
		t.Errorf("decisions %v: want 3 allowed and 1 token_expired", decisions)
	}
	cache := counters["cognito_auth.cache.lookups"]
	hit := set(otelauth.AttrCacheName.String(core.CacheRequest), otelauth.AttrCacheResult.String("hit"))
	miss := set(otelauth.AttrCacheName.String(core.CacheRequest), otelauth.AttrCacheResult.String("miss"))
	if cache[hit] != 2 || cache[miss] != 2 {
		t.Errorf("request cache look-ups %v: want 2 hits (repeats) and 2 misses", cache)
	}
	fetches := counters["cognito_auth.key.fetches"]
	albOK := set(otelauth.AttrKeySource.String("alb"), otelauth.AttrHTTPStatus.Int(200))
	jwksOK := set(otelauth.AttrKeySource.String("jwks"), otelauth.AttrHTTPStatus.Int(200))
	if fetches[albOK] != 1 || fetches[jwksOK] < 1 {
		t.Errorf("key fetches %v: want one ALB key fetch and the JWKS", fetches)
	}
	h, ok := all["cognito_auth.decision.duration"].(metricdata.Histogram[float64])
	if !ok || len(h.DataPoints) != 2 || h.Temporality != metricdata.CumulativeTemporality {
		t.Fatalf("decision.duration: %#v", all["cognito_auth.decision.duration"])
	}
	var n uint64
	for _, dp := range h.DataPoints {
		n += dp.Count
		if dp.Sum <= 0 {
			t.Errorf("decision.duration sum %v", dp.Sum)
		}
	}
	if n != 4 {
		t.Errorf("decision.duration count %d, want 4", n)
	}
	if _, ok := all["cognito_auth.key.fetch.duration"].(metricdata.Histogram[float64]); !ok {
		t.Error("no key.fetch.duration histogram")
	}

	var auth, fetch int
	for _, s := range spans.Ended() {
		switch s.Name() {
		case "cognito_auth.authenticate":
			auth++
			if s.EndTime().Sub(s.StartTime()) <= 0 || s.Status().Code == codes.Error {
				t.Errorf("authenticate span %v..%v status %v", s.StartTime(), s.EndTime(), s.Status())
			}
		case "cognito_auth.key.fetch":
			fetch++
		}
		for _, kv := range s.Attributes() {
			if kv.Value.AsString() == "alice@example.com" || kv.Value.AsString() == valid.AccessToken || kv.Value.AsString() == valid.Identity {
				t.Errorf("span %s carries a personal value in %s", s.Name(), kv.Key)
			}
		}
	}
	if auth != 4 || fetch < 2 {
		t.Errorf("%d authenticate and %d key.fetch spans, want 4 and at least 2", auth, fetch)
	}
}

func TestKeyServerOutage(t *testing.T) {
	iss := ct.Start(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String()
	_ = l.Close()
	srv, reader, spans := setup(t, iss, core.WithJWKSURL(down+"/jwks.json"), core.WithFetchTimeout(2*time.Second))
	if s := get(t, srv, iss.Mint(ct.User{})); s != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", s)
	}
	counters, _ := sums(t, reader)
	unavailable := set(otelauth.AttrSource.String("alb"), otelauth.AttrOutcome.String("unavailable"), otelauth.AttrCode.String("key_unavailable"))
	if counters["cognito_auth.decisions"][unavailable] != 1 {
		t.Errorf("decisions %v", counters["cognito_auth.decisions"])
	}
	failed := set(otelauth.AttrKeySource.String("jwks"), otelauth.AttrErrorType.String("_OTHER"))
	if counters["cognito_auth.key.fetches"][failed] < 1 {
		t.Errorf("key fetches %v: want a failed JWKS fetch", counters["cognito_auth.key.fetches"])
	}
	var errored bool
	for _, s := range spans.Ended() {
		if s.Name() == "cognito_auth.authenticate" && s.Status().Code == codes.Error {
			errored = true
		}
	}
	if !errored {
		t.Error("the outage's authenticate span is not an error")
	}
}

func TestPolicyAndSessionCounters(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	obs, err := otelauth.New(otelauth.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))), otelauth.WithoutSpans())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	obs.ObservePolicy(ctx, core.PolicyEvent{Source: "file p.json"})
	obs.ObservePolicy(ctx, core.PolicyEvent{Source: "file p.json", Err: core.ErrInvalidPolicy})
	obs.ObserveSession(ctx, hostedui.SessionEvent{Kind: hostedui.SessionRefresh, Outcome: core.OutcomeUnauthenticated, Code: hostedui.CodeSessionExpired})
	counters, _ := sums(t, reader)
	tests := []struct {
		metric string
		attrs  attribute.Distinct
		want   int64
	}{
		{"cognito_auth.policy.loads", set(otelauth.AttrPolicySource.String("file p.json")), 1},
		{"cognito_auth.policy.loads", set(otelauth.AttrPolicySource.String("file p.json"), otelauth.AttrErrorType.String("invalid_policy")), 1},
		{"cognito_auth.sessions", set(otelauth.AttrSessionEvent.String("refresh"), otelauth.AttrOutcome.String("unauthenticated"), otelauth.AttrCode.String("session_expired")), 1},
	}
	for _, tc := range tests {
		if got := counters[tc.metric][tc.attrs]; got != tc.want {
			t.Errorf("%s %v = %d, want %d (all: %v)", tc.metric, tc.attrs, got, tc.want, counters[tc.metric])
		}
	}
}
