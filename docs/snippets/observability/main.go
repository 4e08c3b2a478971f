// Command app: a net/http app protected by nethttpauth whose authentication
// decisions, key fetches and cache look-ups are exported to Prometheus
// through otelauth and the OpenTelemetry Prometheus exporter. Configure it
// with the COGNITO_AUTH_* environment; scrape :9464/metrics.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/nethttpauth"
	"github.com/cognitoauth/cognito-auth-go/otelauth"
)

func main() {
	exporter, err := otelprom.New() // registers with prometheus.DefaultRegisterer
	if err != nil {
		log.Fatal(err)
	}
	meters := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	obs, err := otelauth.New(otelauth.WithMeterProvider(meters)) // spans: the global tracer provider
	if err != nil {
		log.Fatal(err)
	}
	auth, err := nethttpauth.New(nethttpauth.WithCoreOptions(core.WithObserver(obs))) // reads COGNITO_AUTH_*
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		user, _ := auth.GetAuthUser(w, r)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"email": user.Email, "groups": user.Groups})
	})
	// Metrics on their own port, outside the protected app.
	metrics := &http.Server{Addr: ":9464", Handler: promhttp.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { log.Fatal(metrics.ListenAndServe()) }()

	srv := &http.Server{Addr: ":8080", Handler: auth.ProtectApp(mux), ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
