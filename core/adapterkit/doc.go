// Package adapterkit is the part every framework adapter of cognito-auth-go
// shares, so that each adapter only translates: it reads headers and
// cookies from its framework, stores the user in its framework's place and
// renders core's decisions with its framework's calls. The decision itself
// — a user this adapter already verified is authorised, anything else is
// authenticated — lives here, once.
//
// It is not part of everyday use: applications use an adapter (ginauth,
// echoauth, fiberauth, nethttpauth, lambdaauth, …) or core directly.
package adapterkit
