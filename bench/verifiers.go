package bench

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	jwtmiddleware "github.com/auth0/go-jwt-middleware/v2"
	"github.com/auth0/go-jwt-middleware/v2/jwks"
	"github.com/auth0/go-jwt-middleware/v2/validator"
	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/golang-jwt/jwt/v5"
)

// Verifier checks one token the way a library's documentation recommends,
// checking what the library can: issuer, expiry, client.
type Verifier interface {
	Verify(ctx context.Context, token string) error
}

// GoOIDC verifies a Cognito access token with coreos/go-oidc's RemoteKeySet.
// Access tokens carry client_id, not aud, so the client id check is done on
// the claims after verification.
type GoOIDC struct {
	v        *oidc.IDTokenVerifier
	clientID string
}

// NewGoOIDC builds the go-oidc verifier.
func NewGoOIDC(ctx context.Context, issuer, jwksURL, clientID string) *GoOIDC {
	ks := oidc.NewRemoteKeySet(ctx, jwksURL)
	return &GoOIDC{v: oidc.NewVerifier(issuer, ks, &oidc.Config{SkipClientIDCheck: true, SupportedSigningAlgs: []string{"RS256"}}), clientID: clientID}
}

// Verify implements Verifier.
func (g *GoOIDC) Verify(ctx context.Context, token string) error {
	t, err := g.v.Verify(ctx, token)
	if err != nil {
		return err
	}
	var c struct {
		ClientID string `json:"client_id"`
		TokenUse string `json:"token_use"`
	}
	if err := t.Claims(&c); err != nil {
		return err
	}
	if c.ClientID != g.clientID || c.TokenUse != "access" {
		return errors.New("wrong client or token_use")
	}
	return nil
}

// JWTKeyfunc verifies with golang-jwt/jwt/v5 and MicahParks/keyfunc/v3.
type JWTKeyfunc struct {
	k        keyfunc.Keyfunc
	issuer   string
	clientID string
}

// NewJWTKeyfunc builds the golang-jwt + keyfunc verifier.
func NewJWTKeyfunc(ctx context.Context, issuer, jwksURL, clientID string) (*JWTKeyfunc, error) {
	k, err := keyfunc.NewDefaultCtx(ctx, []string{jwksURL})
	if err != nil {
		return nil, err
	}
	return &JWTKeyfunc{k: k, issuer: issuer, clientID: clientID}, nil
}

// Verify implements Verifier.
func (j *JWTKeyfunc) Verify(_ context.Context, token string) error {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, j.k.Keyfunc,
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(j.issuer), jwt.WithExpirationRequired())
	if err != nil {
		return err
	}
	if claims["client_id"] != j.clientID || claims["token_use"] != "access" {
		return errors.New("wrong client or token_use")
	}
	return nil
}

// Auth0Middleware is auth0/go-jwt-middleware/v2 as net/http middleware with
// its caching JWKS provider. Its validator requires an audience.
type Auth0Middleware struct {
	h http.Handler
}

// NewAuth0Middleware builds the middleware around a handler that answers 200.
func NewAuth0Middleware(issuer, jwksURL, audience string) (*Auth0Middleware, error) {
	iss, err := urlParse(issuer)
	if err != nil {
		return nil, err
	}
	provider := jwks.NewCachingProvider(iss, 5*time.Minute, jwks.WithCustomJWKSURI(mustURL(jwksURL)))
	v, err := validator.New(provider.KeyFunc, validator.RS256, issuer, []string{audience})
	if err != nil {
		return nil, err
	}
	mw := jwtmiddleware.New(v.ValidateToken)
	return &Auth0Middleware{h: mw.CheckJWT(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))}, nil
}

// Handler returns the protected handler.
func (a *Auth0Middleware) Handler() http.Handler { return a.h }

// JWTALB verifies the ALB's x-amzn-oidc-data as Go code in the wild does:
// golang-jwt/v5 with padding allowed, the PEM key fetched by kid from the
// ALB key endpoint (here cached per kid, which is kinder than most code).
type JWTALB struct {
	baseURL string
	client  *http.Client
	mu      sync.RWMutex
	keys    map[string]*ecdsa.PublicKey
	signer  string
}

// NewJWTALB builds the verifier.
func NewJWTALB(baseURL, signer string) *JWTALB {
	return &JWTALB{baseURL: baseURL, client: &http.Client{Timeout: 5 * time.Second}, keys: map[string]*ecdsa.PublicKey{}, signer: signer}
}

// Verify implements Verifier.
func (a *JWTALB) Verify(ctx context.Context, token string) error {
	_, err := jwt.Parse(token, func(t *jwt.Token) (any, error) {
		if t.Header["signer"] != a.signer {
			return nil, errors.New("wrong signer")
		}
		kid, _ := t.Header["kid"].(string)
		return a.key(ctx, kid)
	}, jwt.WithPaddingAllowed(), jwt.WithValidMethods([]string{"ES256"}), jwt.WithExpirationRequired())
	return err
}

func (a *JWTALB) key(ctx context.Context, kid string) (*ecdsa.PublicKey, error) {
	a.mu.RLock()
	k := a.keys[kid]
	a.mu.RUnlock()
	if k != nil {
		return k, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.baseURL+"/"+kid, nil)
	if err != nil {
		return nil, err
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(body)
	if blk == nil {
		return nil, fmt.Errorf("no PEM for kid %q", kid)
	}
	pub, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, err
	}
	ec, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return nil, errors.New("not an ECDSA key")
	}
	a.mu.Lock()
	a.keys[kid] = ec
	a.mu.Unlock()
	return ec, nil
}
