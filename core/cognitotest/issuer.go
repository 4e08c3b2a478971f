package cognitotest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
)

// Defaults used when no Option overrides them.
const (
	DefaultRegion     = "eu-west-2"
	DefaultUserPoolID = "eu-west-2_TestPool1"
	DefaultClientID   = "cognitotestclient0000000001"
	DefaultALBARN     = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/cognitotest/0123456789abcdef"
)

// Issuer plays both the ALB and the Cognito user pool for tests.
type Issuer struct {
	region, userPoolID, clientID, albARN string
	rsaBits                              int
	keyBaseURL                           string // set: no httptest servers; KeysHandler is served by the caller

	mu       sync.RWMutex
	albKid   string
	albKey   *ecdsa.PrivateKey
	albKeys  map[string]*ecdsa.PublicKey // every ALB key ever used, by kid
	rsaKid   string
	rsaKey   *rsa.PrivateKey
	rsaKeys  []rsaEntry // published in the JWKS, newest last
	albSrv   *httptest.Server
	jwksSrv  *httptest.Server
	albHits  atomic.Int64
	jwksHits atomic.Int64
	issued   map[string]issuedAccess // access tokens Mint signed (see issued.go); guarded by mu
}

type rsaEntry struct {
	kid string
	pub *rsa.PublicKey
}

// Option configures an Issuer.
type Option func(*Issuer)

// WithRegion sets the region (default eu-west-2).
func WithRegion(r string) Option { return func(i *Issuer) { i.region = r } }

// WithUserPoolID sets the pool id (default eu-west-2_TestPool1).
func WithUserPoolID(id string) Option { return func(i *Issuer) { i.userPoolID = id } }

// WithClientID sets the app client id.
func WithClientID(id string) Option { return func(i *Issuer) { i.clientID = id } }

// WithALBARN sets the ALB ARN used as the signer.
func WithALBARN(arn string) Option { return func(i *Issuer) { i.albARN = arn } }

// WithKeyServerURL makes the issuer start no servers of its own: the caller
// serves KeysHandler at base (for example in a development proxy), and the
// key URLs point there: base+"/alb-keys" and base+"/.well-known/jwks.json".
func WithKeyServerURL(base string) Option {
	return func(i *Issuer) { i.keyBaseURL = strings.TrimRight(base, "/") }
}

// WithRSABits sets the RSA key size (default 2048).
func WithRSABits(bits int) Option { return func(i *Issuer) { i.rsaBits = bits } }

// New creates an Issuer and starts its key servers on loopback. Call Close
// when done.
func New(opts ...Option) (*Issuer, error) {
	i := &Issuer{
		region: DefaultRegion, userPoolID: DefaultUserPoolID, clientID: DefaultClientID,
		albARN: DefaultALBARN, rsaBits: 2048, albKeys: map[string]*ecdsa.PublicKey{},
	}
	for _, o := range opts {
		o(i)
	}
	if _, err := i.RotateALBKey(); err != nil {
		return nil, err
	}
	if _, err := i.RotateRSAKey(); err != nil {
		return nil, err
	}
	if i.keyBaseURL == "" {
		i.albSrv = httptest.NewServer(http.HandlerFunc(i.serveALBKey))
		i.jwksSrv = httptest.NewServer(http.HandlerFunc(i.serveJWKS))
	}
	return i, nil
}

// Start is New for tests: it fails tb on error and closes the issuer when
// the test ends.
func Start(tb testing.TB, opts ...Option) *Issuer {
	tb.Helper()
	i, err := New(opts...)
	if err != nil {
		tb.Fatalf("cognitotest: %v", err)
	}
	tb.Cleanup(i.Close)
	return i
}

// Close stops the key servers.
func (i *Issuer) Close() {
	if i.albSrv != nil {
		i.albSrv.Close()
		i.jwksSrv.Close()
	}
}

// KeysHandler serves the ALB key endpoint at /alb-keys/{kid} and the JWKS at
// /.well-known/jwks.json, for callers that host the keys themselves.
func (i *Issuer) KeysHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /alb-keys/", http.StripPrefix("/alb-keys", http.HandlerFunc(i.serveALBKey)))
	mux.HandleFunc("GET /.well-known/jwks.json", i.serveJWKS)
	return mux
}

// Region returns the issuer's region.
func (i *Issuer) Region() string { return i.region }

// UserPoolID returns the issuer's user pool id.
func (i *Issuer) UserPoolID() string { return i.userPoolID }

// ClientID returns the issuer's app client id.
func (i *Issuer) ClientID() string { return i.clientID }

// ALBARN returns the ARN the issuer signs as.
func (i *Issuer) ALBARN() string { return i.albARN }

// IssuerURL returns the Cognito issuer URL of the pool.
func (i *Issuer) IssuerURL() string {
	region, _, _ := strings.Cut(i.userPoolID, "_")
	return "https://cognito-idp." + region + ".amazonaws.com/" + i.userPoolID
}

// UpdatedIssuerURL returns the pool's UPDATED-format issuer URL
// (https://issuer-cognito-idp.REGION.amazonaws.com/POOL): mint with
// WithIssuer(iss.UpdatedIssuerURL()) for a pool switched to it.
func (i *Issuer) UpdatedIssuerURL() string { return awsurl.UpdatedIssuer(i.userPoolID) }

// ALBKeysURL returns the base URL of the local ALB key endpoint.
func (i *Issuer) ALBKeysURL() string {
	if i.keyBaseURL != "" {
		return i.keyBaseURL + "/alb-keys"
	}
	return i.albSrv.URL
}

// JWKSURL returns the URL of the local JWKS.
func (i *Issuer) JWKSURL() string {
	if i.keyBaseURL != "" {
		return i.keyBaseURL + "/.well-known/jwks.json"
	}
	return i.jwksSrv.URL + "/.well-known/jwks.json"
}

// ALBKeyFetches counts requests to the ALB key endpoint.
func (i *Issuer) ALBKeyFetches() int64 { return i.albHits.Load() }

// JWKSFetches counts requests to the JWKS endpoint.
func (i *Issuer) JWKSFetches() int64 { return i.jwksHits.Load() }

// VerifierOptions returns the options that make a Verifier trust this
// issuer and ignore the process environment (for core.NewVerifier, as
// hostedui needs).
func (i *Issuer) VerifierOptions() []core.VerifierOption {
	return []core.VerifierOption{
		core.WithEnvironment(func(string) (string, bool) { return "", false }),
		core.WithUserPoolIDs(i.userPoolID),
		core.WithClientIDs(i.clientID),
		core.WithALBARNs(i.albARN),
		core.WithALBKeysURL(i.ALBKeysURL()),
		core.WithJWKSURL(i.JWKSURL()),
	}
}

// Options returns VerifierOptions as core.New takes them, to append the
// guard's own options to.
func (i *Issuer) Options() []core.Option {
	vo := i.VerifierOptions()
	out := make([]core.Option, len(vo))
	for n, o := range vo {
		out[n] = o
	}
	return out
}

// Env returns the environment variables that make core trust this issuer.
func (i *Issuer) Env() map[string]string {
	return map[string]string{
		core.EnvUserPoolID: i.userPoolID,
		core.EnvClientID:   i.clientID,
		core.EnvALBARN:     i.albARN,
		core.EnvALBKeysURL: i.ALBKeysURL(),
		core.EnvJWKSURL:    i.JWKSURL(),
	}
}

// RotateALBKey makes a new ALB signing key current and returns its kid. Old
// keys stay served, as the real endpoint keeps them.
func (i *Issuer) RotateALBKey() (string, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	kid := NewUUID()
	i.mu.Lock()
	defer i.mu.Unlock()
	i.albKid, i.albKey = kid, k
	i.albKeys[kid] = &k.PublicKey
	return kid, nil
}

// RotateRSAKey makes a new Cognito signing key current, adds it to the JWKS
// (keeping the older ones) and returns its kid.
func (i *Issuer) RotateRSAKey() (string, error) {
	k, err := rsa.GenerateKey(rand.Reader, i.rsaBits)
	if err != nil {
		return "", err
	}
	kid := rsaKid(&k.PublicKey)
	i.mu.Lock()
	defer i.mu.Unlock()
	i.rsaKid, i.rsaKey = kid, k
	i.rsaKeys = append(i.rsaKeys, rsaEntry{kid: kid, pub: &k.PublicKey})
	return kid, nil
}

// DropOldRSAKeys removes every key but the current one from the JWKS.
func (i *Issuer) DropOldRSAKeys() {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.rsaKeys = []rsaEntry{{kid: i.rsaKid, pub: &i.rsaKey.PublicKey}}
}

func (i *Issuer) serveALBKey(w http.ResponseWriter, r *http.Request) {
	i.albHits.Add(1)
	kid := strings.TrimPrefix(r.URL.Path, "/")
	i.mu.RLock()
	pub, ok := i.albKeys[kid]
	i.mu.RUnlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		http.Error(w, "key error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	_ = pem.Encode(w, &pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

type jwk struct {
	Kty string `json:"kty"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// JWKS returns the JSON of the published key set.
func (i *Issuer) JWKS() []byte {
	i.mu.RLock()
	defer i.mu.RUnlock()
	set := struct {
		Keys []jwk `json:"keys"`
	}{Keys: []jwk{}}
	for _, e := range i.rsaKeys {
		set.Keys = append(set.Keys, jwk{
			Kty: "RSA", Alg: "RS256", Use: "sig", Kid: e.kid,
			N: base64.RawURLEncoding.EncodeToString(e.pub.N.Bytes()),
			E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(e.pub.E)).Bytes()),
		})
	}
	b, _ := json.Marshal(set)
	return b
}

func (i *Issuer) serveJWKS(w http.ResponseWriter, r *http.Request) {
	i.jwksHits.Add(1)
	if r.URL.Path != "/.well-known/jwks.json" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(i.JWKS())
}

// NewUUID returns a random version 4 UUID (for subs and kids in tests).
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func rsaKid(pub *rsa.PublicKey) string {
	b := pub.N.Bytes()
	if len(b) > 32 {
		b = b[:32]
	}
	return base64.StdEncoding.EncodeToString(b)
}
