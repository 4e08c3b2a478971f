package connectauth

// Services bypassed or protected by default.
const (
	// HealthService is the standard health service (grpc.health.v1, as
	// connectrpc.com/grpchealth serves it): bypassed unless
	// WithProtectedHealth.
	HealthService = "grpc.health.v1.Health"
	// ReflectionService and ReflectionServiceV1Alpha are server reflection
	// (connectrpc.com/grpcreflect): protected unless WithPublicReflection.
	ReflectionService        = "grpc.reflection.v1.ServerReflection"
	ReflectionServiceV1Alpha = "grpc.reflection.v1alpha.ServerReflection"
)
