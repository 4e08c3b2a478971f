package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// options are the explain flags: the instant, and configuration that
// overrides the COGNITO_AUTH_* environment.
type options struct {
	file        string
	at          time.Time
	past        bool
	env         map[string]string // flag values, by the variable they override
	core        []core.Option
	routeRules  []core.Rule
	routeLabels []string
}

// lookup reads the environment with the flags on top: core then parses and
// validates both exactly as it does in the app.
func (o *options) lookup(env func(string) (string, bool)) func(string) (string, bool) {
	return func(name string) (string, bool) {
		if v, ok := o.env[name]; ok {
			return v, true
		}
		return env(name)
	}
}

// names lists the environment's variables and those the flags set, for
// core's check of unknown variables.
func (o *options) names(env func() []string) func() []string {
	return func() []string {
		out := env()
		for k := range o.env {
			out = append(out, k)
		}
		return out
	}
}

// list is a comma-separated flag value.
func list(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// envFlags are the flags that override one COGNITO_AUTH_* variable each.
var envFlags = []struct{ name, env, help string }{
	{"region", core.EnvRegion, "AWS region of the ALB"},
	{"user-pool-id", core.EnvUserPoolID, "accepted user pools, comma-separated"},
	{"replica-regions", core.EnvReplicaRegions, "replica regions of the pools, comma-separated"},
	{"client-id", core.EnvClientID, "accepted app client ids, comma-separated"},
	{"alb-arn", core.EnvALBARN, "accepted ALB ARNs, comma-separated"},
	{"alb-keys-url", core.EnvALBKeysURL, "base URL of the ALB public keys"},
	{"jwks-url", core.EnvJWKSURL, "Cognito JWKS URL for every pool"},
	{"redirect-url", core.EnvRedirectURL, "where refused browsers are sent"},
	{"config", core.EnvConfigPath, "authorisation policy file"},
	{"bearer", core.EnvBearer, "accept Authorization: Bearer (true or false)"},
	{"machine-client-ids", core.EnvMachineClientIDs, "accepted machine clients (client-credentials tokens), comma-separated"},
	{"machine-access", core.EnvMachineAccess, "where machine clients may go: rules (where a route rule admits them) or all"},
	{"allow-unverified-email", core.EnvAllowUnverifiedEmail, "accept unverified emails (true or false)"},
	{"dev-mode", core.EnvDevMode, "dev mode: requests without credentials get the mock user (true or false)"},
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("cognito-auth explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage+"\nFlags (those naming a variable override it):\n\n")
		fs.PrintDefaults()
	}
	at := fs.String("at", "", "evaluate at this past instant (RFC 3339, e.g. 2026-11-24T10:00:00Z) instead of now, for requests captured from logs")
	vals := make([]*string, len(envFlags))
	for i, f := range envFlags {
		vals[i] = fs.String(f.name, "", f.help+" ["+f.env+"]")
	}
	leeway := fs.Duration("leeway", 0, "clock skew allowed on exp, iat and nbf (default 30s)")
	routeGroups := fs.String("route-groups", "", "the route's own rule: the user must be in one of these groups (core.AllowGroups), comma-separated")
	routeScopes := fs.String("route-scopes", "", "the route's own rule: the access token must carry every one of these scopes (core.RequireScopes), comma-separated")
	routeClients := fs.String("route-clients", "", "the route's own rule: the token must be issued to one of these app clients (core.AllowClients), comma-separated")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	o := &options{at: time.Now().UTC(), env: map[string]string{}}
	switch fs.NArg() {
	case 0:
	case 1:
		o.file = fs.Arg(0)
	default:
		return nil, fmt.Errorf("one captured request at a time (got %d files)", fs.NArg())
	}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return nil, fmt.Errorf("-at %q: give an RFC 3339 instant such as 2026-11-24T10:00:00Z", *at)
		}
		o.at, o.past = t.UTC(), true
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for i, f := range envFlags {
		if set[f.name] {
			o.env[f.env] = *vals[i]
		}
	}
	if set["leeway"] {
		o.core = append(o.core, core.WithLeeway(*leeway))
	}
	if g := list(*routeGroups); len(g) > 0 {
		o.routeRules = append(o.routeRules, core.AllowGroups(g...))
		o.routeLabels = append(o.routeLabels, fmt.Sprintf("AllowGroups%v", g))
	}
	if s := list(*routeScopes); len(s) > 0 {
		o.routeRules = append(o.routeRules, core.RequireScopes(s...))
		o.routeLabels = append(o.routeLabels, fmt.Sprintf("RequireScopes%v", s))
	}
	if c := list(*routeClients); len(c) > 0 {
		o.routeRules = append(o.routeRules, core.AllowClients(c...))
		o.routeLabels = append(o.routeLabels, fmt.Sprintf("AllowClients%v", c))
	}
	return o, nil
}
