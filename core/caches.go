package core

import (
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/tokencache"
)

// tokenCaches remember verified tokens, each by its own full string, so a
// token is verified once for its lifetime:
//
//   - users: a whole ALB header set (or a bearer token), for the common
//     request that repeats all three headers;
//   - access: an access token, the same string for its lifetime (5 minutes
//     to a day), reused when the ALB re-signs the data token;
//   - data: a data token, which the ALB re-signs at least every two
//     minutes, so a new one costs a single ES256 verification.
//
// Each is bounded in entries and bytes; a hit always compares full strings;
// entries end at their token's exp. A nil *tokenCaches caches nothing.
type tokenCaches struct {
	users  *tokencache.Cache[*User]
	access *tokencache.Cache[*verifiedAccess]
	data   *tokencache.Cache[*verifiedData]
}

// newTokenCaches shares the configured bounds: half for whole header sets, a
// quarter each for single tokens.
func newTokenCaches(entries, bytes int) *tokenCaches {
	if entries <= 0 || bytes <= 0 {
		return nil
	}
	return &tokenCaches{
		users:  tokencache.New[*User](max(1, entries/2), max(1, bytes/2)),
		access: tokencache.New[*verifiedAccess](max(1, entries/4), max(1, bytes/4)),
		data:   tokencache.New[*verifiedData](max(1, entries/4), max(1, bytes/4)),
	}
}

func (c *tokenCaches) user(k *tokencache.Key, now time.Time) (*User, bool) {
	if c == nil {
		return nil, false
	}
	return c.users.Get(k, now)
}

func (c *tokenCaches) putUser(k *tokencache.Key, u *User, expires time.Time) {
	if c != nil {
		c.users.Put(k, u, expires)
	}
}

func (c *tokenCaches) accessToken(tok string, now time.Time) (*verifiedAccess, bool) {
	if c == nil {
		return nil, false
	}
	return c.access.Get(&tokencache.Key{B: tok}, now)
}

func (c *tokenCaches) putAccessToken(tok string, v *verifiedAccess) {
	if c != nil {
		c.access.Put(&tokencache.Key{B: tok}, v, time.Unix(v.exp, 0))
	}
}

func (c *tokenCaches) dataToken(tok string, now time.Time) (*verifiedData, bool) {
	if c == nil {
		return nil, false
	}
	return c.data.Get(&tokencache.Key{A: tok}, now)
}

func (c *tokenCaches) putDataToken(tok string, v *verifiedData) {
	if c != nil {
		c.data.Put(&tokencache.Key{A: tok}, v, time.Unix(v.exp, 0))
	}
}
