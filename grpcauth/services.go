package grpcauth

// Services bypassed or protected by default.
const (
	// HealthService is the standard health service (grpc.health.v1):
	// bypassed unless WithProtectedHealth.
	HealthService = "grpc.health.v1.Health"
	// ReflectionService and ReflectionServiceV1Alpha are server reflection:
	// protected unless WithPublicReflection.
	ReflectionService        = "grpc.reflection.v1.ServerReflection"
	ReflectionServiceV1Alpha = "grpc.reflection.v1alpha.ServerReflection"
)
