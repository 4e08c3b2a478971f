package otelauth_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/otelauth"
)

// New builds the observer on a meter provider (here with an in-memory
// reader; in production the one your service already exports, for example
// through the Prometheus exporter) and core.WithObserver attaches it.
func ExampleNew() {
	reader := sdkmetric.NewManualReader()
	obs, err := otelauth.New(otelauth.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))))
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

	r := httptest.NewRequest(http.MethodGet, "/", nil)
	iss.Mint(ct.User{}).Apply(r)
	_, _ = auth.Authenticate(r.Context(), core.HTTPRequest(r))

	var rm metricdata.ResourceMetrics
	_ = reader.Collect(context.Background(), &rm)
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if m.Name == "cognito_auth.decisions" {
			fmt.Println(m.Name, m.Unit, m.Data.(metricdata.Sum[int64]).DataPoints[0].Value)
		}
	}
	// Output: cognito_auth.decisions {decision} 1
}
