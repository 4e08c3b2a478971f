package cognitotest

import "time"

// grants is the hosted UI's memory of what it issued: authorization codes,
// refresh tokens and access tokens, each tied to the sign-in (session) it
// came from, so revoking a refresh token reaches every token of that
// sign-in. HostedUI.mu guards it.
type grants struct {
	codes   map[string]*codeGrant
	refresh map[string]*refreshGrant
	access  map[string]*accessGrant
	revoked map[string]bool // sessions whose tokens were revoked
	// signedIn is when each sign-in (session) authenticated: its tokens'
	// auth_time.
	signedIn map[string]time.Time
}

// A codeGrant is an authorization code from a sign-in.
type codeGrant struct {
	user                  User
	session               string
	clientID, redirectURI string
	nonce, challenge      string
	scope                 []string
	expires               time.Time
	used                  bool
}

// A refreshGrant is a refresh token. With rotation, retired is when its
// first successful use replaced it.
type refreshGrant struct {
	user     User
	session  string
	clientID string
	scope    []string
	retired  time.Time
}

// An accessGrant is an access token, for /oauth2/userInfo.
type accessGrant struct {
	user    User
	session string
	expires time.Time
}

func newGrants() grants {
	return grants{codes: map[string]*codeGrant{}, refresh: map[string]*refreshGrant{}, access: map[string]*accessGrant{}, revoked: map[string]bool{}, signedIn: map[string]time.Time{}}
}

// usable reports whether the refresh token g is accepted at now.
func (g *refreshGrant) usable(s *grants, now time.Time, grace time.Duration) bool {
	return !s.revoked[g.session] && (g.retired.IsZero() || now.Before(g.retired.Add(grace)))
}

func (s *grants) liveRefresh(now time.Time, grace time.Duration) int {
	n := 0
	for _, g := range s.refresh {
		if g.usable(s, now, grace) {
			n++
		}
	}
	return n
}
