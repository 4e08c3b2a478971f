package core

import (
	"context"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
	"github.com/cognitoauth/cognito-auth-go/core/internal/keys"
)

// Cognito issuer formats. A user pool's issuer type is ORIGINAL or UPDATED
// (AWS recommends UPDATED for every pool); with multi-Region replication and
// the ORIGINAL type, a token's iss names the region of the endpoint that
// issued it.
const jwksPath = "/.well-known/jwks.json"

// issuerDef is one accepted issuer: the exact iss string, the pool it
// belongs to, and the URL of its JWKS (from configuration only).
type issuerDef struct {
	issuer, pool, jwksURL string
}

// acceptedIssuers lists, for each pool, its ORIGINAL and UPDATED issuers and
// the ORIGINAL issuer in each replica region. Each issuer's keys come from
// its own JWKS, or from jwksOverride for all of them when it is set.
func acceptedIssuers(pools, replicaRegions []string, jwksOverride string) []issuerDef {
	var out []issuerDef
	add := func(iss, pool string) {
		u := iss + jwksPath
		if jwksOverride != "" {
			u = jwksOverride
		}
		out = append(out, issuerDef{issuer: iss, pool: pool, jwksURL: u})
	}
	for _, p := range pools {
		region, _, _ := strings.Cut(p, "_")
		add(awsurl.OriginalIssuer(region, p), p)
		add(awsurl.UpdatedIssuer(p), p)
		for _, r := range replicaRegions {
			if r != region {
				add(awsurl.OriginalIssuer(r, p), p)
			}
		}
	}
	return out
}

// issuerKeys is an accepted issuer with its pool and the key source its
// tokens are verified with.
type issuerKeys struct {
	issuer, pool string
	jwks         *keys.JWKS
}

// issuerSet is every accepted issuer, found by exact iss string, and the
// distinct JWKS sources behind them (several issuers share one source when
// they share a URL, as with COGNITO_AUTH_JWKS_URL).
type issuerSet struct {
	byIssuer map[string]*issuerKeys
	sources  []*keys.JWKS
	urls     []string // parallel to sources
}

// newIssuerSet builds the key sources for defs.
func newIssuerSet(defs []issuerDef, newSource func(url string) *keys.JWKS) issuerSet {
	s := issuerSet{byIssuer: make(map[string]*issuerKeys, len(defs))}
	byURL := map[string]*keys.JWKS{}
	for _, d := range defs {
		src, ok := byURL[d.jwksURL]
		if !ok {
			src = newSource(d.jwksURL)
			byURL[d.jwksURL] = src
			s.sources = append(s.sources, src)
			s.urls = append(s.urls, d.jwksURL)
		}
		s.byIssuer[d.issuer] = &issuerKeys{issuer: d.issuer, pool: d.pool, jwks: src}
	}
	return s
}

// lookup returns the accepted issuer iss exactly (no case folding, no
// trailing slash, no other scheme or host), or nil.
func (s issuerSet) lookup(iss string) *issuerKeys { return s.byIssuer[iss] }

// configured reports whether any pool is configured.
func (s issuerSet) configured() bool { return len(s.byIssuer) > 0 }

// refresh reloads every key source, returning the URL and error of each
// failure.
func (s issuerSet) refresh(ctx context.Context, failed func(url string, loaded bool, err error)) {
	for i, src := range s.sources {
		if err := src.Refresh(ctx); err != nil && ctx.Err() == nil {
			failed(s.urls[i], src.Loaded(), err)
		}
	}
}
