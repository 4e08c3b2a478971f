package otelauth_test

import (
	"bufio"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/otelauth"
)

// Wiring to Prometheus: the OpenTelemetry Prometheus exporter is a reader
// of the meter provider, and promhttp serves what it gathers on /metrics.
func ExampleNew_prometheus() {
	registry := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(registry))
	if err != nil {
		log.Fatal(err)
	}
	obs, err := otelauth.New(otelauth.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))))
	if err != nil {
		log.Fatal(err)
	}
	iss, err := ct.New()
	if err != nil {
		log.Fatal(err)
	}
	defer iss.Close()
	auth, err := core.New(append(iss.Options(), core.WithObserver(obs))...)
	if err != nil {
		log.Print(err)
		return
	}
	defer auth.Close()

	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
	metrics := httptest.NewServer(mux)
	defer metrics.Close()

	r := httptest.NewRequest(http.MethodGet, "/", nil)
	iss.Mint(ct.User{}, ct.Expired()).Apply(r)
	_, _ = auth.Authenticate(r.Context(), core.HTTPRequest(r))

	resp, err := http.Get(metrics.URL + "/metrics")
	if err != nil {
		log.Print(err)
		return
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if line, _, ok := strings.Cut(sc.Text(), ",otel_scope"); ok && strings.HasPrefix(line, "cognito_auth_decisions_total{") {
			fmt.Println(line + "} ...")
		}
	}
	// Output: cognito_auth_decisions_total{cognito_auth_code="token_expired",cognito_auth_outcome="unauthenticated",cognito_auth_source="alb"} ...
}
