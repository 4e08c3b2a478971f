// Package otelauth records cognito-auth-go's authentication decisions, key
// fetches, cache look-ups, policy loads and hosted-UI sessions as
// OpenTelemetry metrics and spans: a core.Observer to pass to
// core.WithObserver.
//
// Metrics (instrument names follow OpenTelemetry's naming guidelines; the
// attributes are low-cardinality and never carry tokens, email addresses or
// user ids):
//
//	cognito_auth.decisions              counter   {decision}  cognito_auth.source, cognito_auth.outcome, cognito_auth.code, cognito_auth.user_pool.id
//	cognito_auth.decision.duration      histogram s           cognito_auth.source, cognito_auth.outcome
//	cognito_auth.key.fetches            counter   {fetch}     cognito_auth.key.source, http.response.status_code, error.type
//	cognito_auth.key.fetch.duration     histogram s           cognito_auth.key.source, error.type
//	cognito_auth.key.fetch.body.size    histogram By          cognito_auth.key.source
//	cognito_auth.cache.lookups          counter   {lookup}    cognito_auth.cache.name, cognito_auth.cache.result (hit, miss)
//	cognito_auth.policy.loads           counter   {load}      cognito_auth.policy.source, error.type
//	cognito_auth.sessions               counter   {session}   cognito_auth.session.event, cognito_auth.outcome, cognito_auth.code
//
// The cache hit ratio is hits over all look-ups of cognito_auth.cache.lookups.
// Spans: "cognito_auth.authenticate" around each decision (a child of the
// request's span) and "cognito_auth.key.fetch" around each key request; a
// refusal is not a span error, an outage (503) or misconfiguration (500) is.
package otelauth
