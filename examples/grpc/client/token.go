package main

import (
	"context"
	"errors"
	"os"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenSource is the machine client's client-credentials token source,
// from the environment: the user pool's hosted-UI domain
// (COGNITO_AUTH_DOMAIN: a Cognito prefix with COGNITO_AUTH_REGION, a
// custom domain, or a URL), the machine app client's id and secret
// (COGNITO_AUTH_CLIENT_ID, COGNITO_AUTH_CLIENT_SECRET) and the scopes it
// asks for (COGNITO_AUTH_SCOPES, space- or comma-separated; default
// orders/read). It is the only place the client knows how a token is had:
// any oauth2.TokenSource will do.
func tokenSource(ctx context.Context) (oauth2.TokenSource, error) {
	base, err := domainURL(os.Getenv("COGNITO_AUTH_DOMAIN"), os.Getenv("COGNITO_AUTH_REGION"))
	if err != nil {
		return nil, err
	}
	id, secret := os.Getenv("COGNITO_AUTH_CLIENT_ID"), os.Getenv("COGNITO_AUTH_CLIENT_SECRET")
	if id == "" || secret == "" {
		return nil, errors.New("COGNITO_AUTH_CLIENT_ID and COGNITO_AUTH_CLIENT_SECRET (the machine app client) are needed")
	}
	scopes := strings.FieldsFunc(os.Getenv("COGNITO_AUTH_SCOPES"), func(r rune) bool { return r == ' ' || r == ',' })
	if len(scopes) == 0 {
		scopes = []string{"orders/read"}
	}
	cc := clientcredentials.Config{
		ClientID: id, ClientSecret: secret, TokenURL: base + "/oauth2/token", Scopes: scopes,
		AuthStyle: oauth2.AuthStyleInHeader, // client_secret_basic, as Cognito documents
	}
	return cc.TokenSource(ctx), nil
}

// domainURL is the base URL of a hosted-UI domain.
func domainURL(domain, region string) (string, error) {
	switch {
	case domain == "":
		return "", errors.New("COGNITO_AUTH_DOMAIN (the user pool's domain) is needed")
	case strings.HasPrefix(domain, "https://") || strings.HasPrefix(domain, "http://"):
		return strings.TrimRight(domain, "/"), nil
	case strings.Contains(domain, "."):
		return "https://" + domain, nil
	case region == "":
		return "", errors.New("COGNITO_AUTH_DOMAIN is a domain prefix: COGNITO_AUTH_REGION is needed too")
	}
	return "https://" + domain + ".auth." + region + ".amazoncognito.com", nil
}
