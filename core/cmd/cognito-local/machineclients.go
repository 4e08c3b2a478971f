package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/m2m"
)

// machineClient is a -machine-client: an app client with the client
// credentials grant.
type machineClient struct {
	id, secret string
	scopes     []string
}

// machineClients is the repeatable -machine-client flag.
type machineClients []machineClient

// String implements flag.Value.
func (m *machineClients) String() string {
	ids := make([]string, len(*m))
	for i, c := range *m {
		ids[i] = c.id
	}
	return strings.Join(ids, ",")
}

// Set implements flag.Value: one id:secret:scope1,scope2.
func (m *machineClients) Set(v string) error {
	c, err := parseMachineClient(v)
	if err != nil {
		return err
	}
	*m = append(*m, c)
	return nil
}

// parseMachineClient reads id:secret:scope1,scope2. The id and the secret
// end at the first and second colon; the scopes may hold colons
// (https://api.example.com/orders.read).
func parseMachineClient(v string) (machineClient, error) {
	id, rest, ok1 := strings.Cut(v, ":")
	secret, scopes, ok2 := strings.Cut(rest, ":")
	c := machineClient{id: strings.TrimSpace(id), secret: secret, scopes: splitComma(scopes)}
	switch {
	case !ok1 || !ok2 || c.id == "":
		return c, fmt.Errorf("%q: use id:secret:scope1,scope2", v)
	case strings.ContainsAny(c.id, " \t"):
		return c, fmt.Errorf("client id %q has a space", c.id)
	case c.secret == "":
		// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html:
		// "An app client can only use the client credentials flow if the app
		// client has a client secret."
		return c, fmt.Errorf("machine client %s needs a secret: the client credentials grant is for app clients with a secret", c.id)
	case len(c.scopes) == 0:
		return c, fmt.Errorf("machine client %s needs at least one custom scope, e.g. orders/read", c.id)
	}
	for _, s := range c.scopes {
		// The same page: a client "must request the full identifier for the
		// scope, which is resourceServerIdentifier/scopeName".
		if i := strings.LastIndex(s, "/"); i <= 0 || i == len(s)-1 || strings.ContainsAny(s, " \t") {
			return c, fmt.Errorf("machine client %s: scope %q is not a custom scope resourceServerIdentifier/scopeName, e.g. orders/read", c.id, s)
		}
	}
	return c, nil
}

// check refuses machine clients that clash with each other or with the
// sign-in app client.
func (m machineClients) check(appClientID string) error {
	var seen []string
	for _, c := range m {
		switch {
		case c.id == appClientID:
			return fmt.Errorf("-machine-client %s: that is the sign-in app client's id (-client-id)", c.id)
		case slices.Contains(seen, c.id):
			return fmt.Errorf("-machine-client %s is given twice", c.id)
		}
		seen = append(seen, c.id)
	}
	return nil
}

// ids are the machine clients' ids, comma-separated, as core reads
// COGNITO_AUTH_MACHINE_CLIENT_IDS.
func (m machineClients) ids() string { return m.String() }

// printMachineClients tells how each machine client gets its tokens, with
// the environment core/m2m reads on the calling side.
func printMachineClients(w io.Writer, domain string, m machineClients) {
	if len(m) == 0 {
		return
	}
	fmt.Fprintf(w, "cognito-local: machine clients (client credentials at %s/oauth2/token; the app is told %s=%s):\n", domain, core.EnvMachineClientIDs, m.ids())
	for _, c := range m {
		fmt.Fprintf(w, "  %s, scopes %s: %s=%s %s=%s %s=%s\n", c.id, strings.Join(c.scopes, " "),
			m2m.EnvDomain, domain, m2m.EnvClientID, c.id, m2m.EnvClientSecret, c.secret)
	}
}
