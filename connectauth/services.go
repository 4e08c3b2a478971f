package connectauth

import "github.com/cognitoauth/cognito-auth-go/core/adapterkit"

// Services bypassed or protected by default.
const (
	// HealthService is the standard health service,
	// "grpc.health.v1.Health" (as connectrpc.com/grpchealth serves it):
	// bypassed unless WithProtectedHealth.
	HealthService = adapterkit.HealthService
	// ReflectionService and ReflectionServiceV1Alpha are server reflection,
	// "grpc.reflection.v1.ServerReflection" and its v1alpha twin
	// (connectrpc.com/grpcreflect): protected unless WithPublicReflection.
	ReflectionService        = adapterkit.ReflectionService
	ReflectionServiceV1Alpha = adapterkit.ReflectionServiceV1Alpha
)
