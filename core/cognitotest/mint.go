package cognitotest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/internal/userctx"
)

// User describes the person a header set is minted for. Empty fields get
// defaults: a random Sub, Username = Sub, Email user@example.com.
type User struct {
	Sub, Username, Email        string
	Name, GivenName, FamilyName string
	Groups                      []string
	// EmailUnverified mints email_verified "false" instead of "true".
	EmailUnverified bool
}

// Headers is a minted set of ALB authentication headers.
type Headers struct {
	Data        string // x-amzn-oidc-data
	AccessToken string // x-amzn-oidc-accesstoken
	Identity    string // x-amzn-oidc-identity
}

// Apply sets the headers on r (skipping empty values).
func (h Headers) Apply(r *http.Request) {
	for k, v := range h.Header() {
		r.Header[k] = v
	}
}

// Header returns the headers as an http.Header (skipping empty values).
func (h Headers) Header() http.Header {
	out := http.Header{}
	if h.Data != "" {
		out.Set(core.HeaderData, h.Data)
	}
	if h.AccessToken != "" {
		out.Set(core.HeaderAccessToken, h.AccessToken)
	}
	if h.Identity != "" {
		out.Set(core.HeaderIdentity, h.Identity)
	}
	return out
}

// TokenOption changes how a header set is minted; most produce a hostile
// variant that verification must refuse.
type TokenOption func(*mint)

type mint struct {
	now           time.Time
	ttl           time.Duration
	dataTTL       time.Duration // 0: ttl
	dataHeader    map[string]any
	dataClaims    map[string]any
	accessHeader  map[string]any
	accessClaims  map[string]any
	unpadded      bool
	albKey        *ecdsa.PrivateKey
	albKid        string
	rsaKey        *rsa.PrivateKey
	rsaKid        string
	identity      *string
	tamperData    bool
	tamperAccess  bool
	rawDataHeader []byte
	rawAccess     *string
	rawData       *string
	editData      func([]byte) []byte
	editAccess    func([]byte) []byte
}

// ExpiresIn sets the tokens' lifetime from now (default one hour). A
// negative value mints expired tokens.
func ExpiresIn(d time.Duration) TokenOption { return func(m *mint) { m.ttl = d } }

// DataExpiresIn sets the lifetime of the data token alone (header and
// payload exp), as the ALB does: its x-amzn-oidc-data expires about 120 s
// after it is minted, while the access token lives for ExpiresIn.
func DataExpiresIn(d time.Duration) TokenOption { return func(m *mint) { m.dataTTL = d } }

// Expired mints tokens that expired ten minutes ago.
func Expired() TokenOption { return ExpiresIn(-10 * time.Minute) }

// At mints tokens as if issued at t.
func At(t time.Time) TokenOption { return func(m *mint) { m.now = t } }

// WithSigner sets the ALB token's signer ARN.
func WithSigner(arn string) TokenOption { return WithDataHeader("signer", arn) }

// WithIssuer sets iss in both tokens (and the ALB header).
func WithIssuer(iss string) TokenOption {
	return func(m *mint) {
		m.dataHeader["iss"] = iss
		m.dataClaims["iss"] = iss
		m.accessClaims["iss"] = iss
	}
}

// WithClient sets the ALB header's client and the access token's client_id.
func WithClient(id string) TokenOption {
	return func(m *mint) {
		m.dataHeader["client"] = id
		m.accessClaims["client_id"] = id
	}
}

// WithTokenUse sets the access token's token_use (e.g. "id").
func WithTokenUse(use string) TokenOption { return WithAccessClaim("token_use", use) }

// Unpadded strips the '=' padding from the ALB token after signing, as a
// careless proxy or library might. The signed segments are made to carry
// padding, so the stripped token's signing input really differs.
func Unpadded() TokenOption { return func(m *mint) { m.unpadded = true } }

// TamperedData changes one payload claim of the ALB token after signing.
func TamperedData() TokenOption { return func(m *mint) { m.tamperData = true } }

// TamperedAccess changes one payload claim of the access token after signing.
func TamperedAccess() TokenOption { return func(m *mint) { m.tamperAccess = true } }

// WithDataHeader sets (or with nil value, deletes) a JWS header parameter of
// the ALB token.
func WithDataHeader(k string, v any) TokenOption { return func(m *mint) { set(m.dataHeader, k, v) } }

// WithDataClaim sets (nil deletes) a claim of the ALB token.
func WithDataClaim(k string, v any) TokenOption { return func(m *mint) { set(m.dataClaims, k, v) } }

// WithAccessHeader sets (nil deletes) a JWS header parameter of the access token.
func WithAccessHeader(k string, v any) TokenOption {
	return func(m *mint) { set(m.accessHeader, k, v) }
}

// WithAccessClaim sets (nil deletes) a claim of the access token.
func WithAccessClaim(k string, v any) TokenOption { return func(m *mint) { set(m.accessClaims, k, v) } }

// WithRawDataHeader replaces the ALB token's protected header with raw bytes
// (signed as given).
func WithRawDataHeader(b []byte) TokenOption { return func(m *mint) { m.rawDataHeader = b } }

// EditDataPayload rewrites the data token's payload JSON bytes before it is
// signed, for payloads no JSON encoder would write (invalid UTF-8, repeated
// keys): the result is validly signed.
func EditDataPayload(edit func(payload []byte) []byte) TokenOption {
	return func(m *mint) { m.editData = edit }
}

// EditAccessPayload rewrites the access token's payload JSON bytes before it
// is signed (see EditDataPayload).
func EditAccessPayload(edit func(payload []byte) []byte) TokenOption {
	return func(m *mint) { m.editAccess = edit }
}

// WithIdentity sets x-amzn-oidc-identity (default: the user's sub).
func WithIdentity(s string) TokenOption { return func(m *mint) { m.identity = &s } }

// WithRawData replaces x-amzn-oidc-data with s.
func WithRawData(s string) TokenOption { return func(m *mint) { m.rawData = &s } }

// WithRawAccessToken replaces the access token with s.
func WithRawAccessToken(s string) TokenOption { return func(m *mint) { m.rawAccess = &s } }

// SignedByUnknownALBKey signs the ALB token with a key the endpoint does not
// serve (under a fresh kid).
func SignedByUnknownALBKey() TokenOption {
	return func(m *mint) {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		m.albKey, m.albKid = k, NewUUID()
	}
}

// SignedByOtherALBKey signs with a fresh key but keeps the issuer's current
// kid, as a forger who knows the kid would.
func SignedByOtherALBKey() TokenOption {
	return func(m *mint) { m.albKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }
}

// SignedByOtherRSAKey signs the access token with a fresh RSA key under the
// issuer's current kid.
func SignedByOtherRSAKey() TokenOption {
	return func(m *mint) { m.rsaKey, _ = rsa.GenerateKey(rand.Reader, 2048) }
}

func set(m map[string]any, k string, v any) {
	if v == nil {
		delete(m, k)
		return
	}
	m[k] = v
}

// Mint returns a header set for u, exactly as the ALB would send it, with
// opts applied.
func (i *Issuer) Mint(u User, opts ...TokenOption) Headers {
	u = withDefaults(u)
	i.mu.RLock()
	m := &mint{
		now: time.Now(), ttl: time.Hour,
		albKey: i.albKey, albKid: i.albKid, rsaKey: i.rsaKey, rsaKid: i.rsaKid,
	}
	i.mu.RUnlock()
	iss := i.IssuerURL()
	verified := "true"
	if u.EmailUnverified {
		verified = "false"
	}
	m.dataHeader = map[string]any{"typ": "JWT", "alg": "ES256", "iss": iss, "client": i.clientID, "signer": i.albARN}
	m.dataClaims = map[string]any{"sub": u.Sub, "email_verified": verified, "email": u.Email, "username": u.Username, "iss": iss}
	for k, v := range map[string]string{"name": u.Name, "given_name": u.GivenName, "family_name": u.FamilyName} {
		if v != "" {
			m.dataClaims[k] = v
		}
	}
	m.accessHeader = map[string]any{"alg": "RS256"}
	m.accessClaims = map[string]any{
		"sub": u.Sub, "iss": iss, "version": 2, "client_id": i.clientID, "origin_jti": NewUUID(),
		"event_id": NewUUID(), "token_use": "access", "scope": "openid email profile", "jti": NewUUID(),
		"username": u.Username,
	}
	if len(u.Groups) > 0 {
		m.accessClaims["cognito:groups"] = append([]string(nil), u.Groups...)
	}
	for _, o := range opts {
		o(m)
	}
	exp := m.now.Add(m.ttl).Unix()
	dataExp := exp
	if m.dataTTL != 0 {
		dataExp = m.now.Add(m.dataTTL).Unix()
	}
	setDefault(m.dataHeader, "kid", m.albKid)
	setDefault(m.dataHeader, "exp", dataExp)
	setDefault(m.dataClaims, "exp", dataExp)
	setDefault(m.accessHeader, "kid", m.rsaKid)
	setDefault(m.accessClaims, "exp", exp)
	setDefault(m.accessClaims, "iat", m.now.Unix())
	setDefault(m.accessClaims, "auth_time", m.now.Unix())

	h := Headers{Identity: u.Sub}
	if m.identity != nil {
		h.Identity = *m.identity
	}
	h.Data = m.signALB()
	if m.rawData != nil {
		h.Data = *m.rawData
	}
	if m.rawAccess != nil {
		h.AccessToken = *m.rawAccess // not signed: kept as given (re-signing only the data token)
	} else {
		h.AccessToken = m.signAccess()
		if !m.tamperAccess && m.editAccess == nil {
			i.remember(h.AccessToken, u, clean(m.accessClaims))
		}
	}
	return h
}

func setDefault(m map[string]any, k string, v any) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

// deleted marks a claim an option removed; see Without.
type deleted struct{}

// Without deletes a default claim or header parameter (use with
// WithDataClaim, WithAccessClaim, …): WithAccessClaim("exp", Without).
var Without any = deleted{}

func clean(m map[string]any) map[string]any {
	out := maps.Clone(m)
	for k, v := range out {
		if _, ok := v.(deleted); ok {
			delete(out, k)
		}
	}
	return out
}

func (m *mint) signALB() string {
	hdr := m.rawDataHeader
	if hdr == nil {
		hdr, _ = json.Marshal(clean(m.dataHeader))
	}
	claims := clean(m.dataClaims)
	payload, _ := json.Marshal(claims)
	if m.editData != nil {
		payload = m.editData(payload)
	}
	if m.unpadded && len(hdr)%3 == 0 {
		// Make sure the signed text really has padding to strip.
		for pad := ""; len(payload)%3 == 0; pad += "x" {
			claims["_pad"] = pad
			payload, _ = json.Marshal(claims)
		}
	}
	enc := base64.URLEncoding // padded, as the ALB sends it
	signing := enc.EncodeToString(hdr) + "." + enc.EncodeToString(payload)
	digest := sha256.Sum256([]byte(signing))
	r, s, _ := ecdsa.Sign(rand.Reader, m.albKey, digest[:])
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	tok := signing + "." + enc.EncodeToString(sig)
	if m.tamperData {
		tok = tamper(tok, enc, payload)
	}
	if m.unpadded {
		tok = strings.ReplaceAll(tok, "=", "")
	}
	return tok
}

func (m *mint) signAccess() string {
	hdr, _ := json.Marshal(clean(m.accessHeader))
	payload, _ := json.Marshal(clean(m.accessClaims))
	if m.editAccess != nil {
		payload = m.editAccess(payload)
	}
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(hdr) + "." + enc.EncodeToString(payload)
	digest := sha256.Sum256([]byte(signing))
	sig, _ := rsa.SignPKCS1v15(rand.Reader, m.rsaKey, crypto.SHA256, digest[:])
	tok := signing + "." + enc.EncodeToString(sig)
	if m.tamperAccess {
		tok = tamper(tok, enc, payload)
	}
	return tok
}

// tamper swaps the payload for one with the username changed, keeping the
// original signature.
func tamper(tok string, enc *base64.Encoding, payload []byte) string {
	var claims map[string]any
	_ = json.Unmarshal(payload, &claims)
	claims["username"] = "mallory"
	claims["cognito:groups"] = []string{"admins"}
	forged, _ := json.Marshal(claims)
	parts := strings.Split(tok, ".")
	parts[1] = enc.EncodeToString(forged)
	return strings.Join(parts, ".")
}

// ContextWithUser returns a copy of ctx carrying u where
// core.UserFromContext finds it, for testing a handler on its own. No
// adapter trusts a user put there this way: behind a guard, requests are
// authenticated again.
func ContextWithUser(ctx context.Context, u *core.User) context.Context {
	return userctx.With(ctx, nil, u)
}

// MintMachine returns an access token as Cognito's token endpoint issues it
// for the client-credentials grant: token_use access, the client's id as
// client_id and sub, the scopes granted, no username or groups, signed by
// the pool's current key. Options change it as for Mint (ExpiresIn, At,
// WithAccessClaim, SignedByOtherRSAKey, …).
func (i *Issuer) MintMachine(clientID string, scopes []string, opts ...TokenOption) string {
	all := append([]TokenOption{
		WithAccessClaim("client_id", clientID), WithAccessClaim("username", Without),
		WithAccessClaim("scope", strings.Join(scopes, " ")),
	}, opts...)
	return i.Mint(User{Sub: clientID}, all...).AccessToken
}
