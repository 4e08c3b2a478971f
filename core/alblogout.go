package core

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
)

// defaultALBSessionCookie is the name prefix of the ALB's session cookie
// shards (AWSELBAuthSessionCookie-0, -1, …).
const defaultALBSessionCookie = "AWSELBAuthSessionCookie"

// ALBLogout signs a user out of an app behind an ALB with Cognito
// authentication. Clearing the app's state is not enough: the ALB keeps its
// own session cookies and would log the user straight back in. ALBLogout
// expires every ALB session cookie shard and sends the browser to Cognito's
// /logout endpoint, which ends the Cognito session and returns to LogoutURI.
type ALBLogout struct {
	// Domain is the user pool's hosted UI domain: a Cognito prefix
	// ("my-app", with Region), a custom domain ("auth.example.com") or a
	// full https URL.
	Domain string
	// Region is the pool's region, needed with a prefix domain.
	Region string
	// ClientID is the app client the ALB uses.
	ClientID string
	// LogoutURI is where Cognito sends the browser afterwards. It must be
	// one of the app client's allowed sign-out URLs.
	LogoutURI string
	// CookieName is the ALB session cookie name (default
	// AWSELBAuthSessionCookie).
	CookieName string
}

// Plan returns where to send the browser and the cookies to set: every ALB
// session cookie shard the request carries (and shard 0) expired.
func (l ALBLogout) Plan(req Request) (location string, cookies []*http.Cookie, err error) {
	base, err := awsurl.HostedUIBaseURL(l.Domain, l.Region)
	if err != nil {
		return "", nil, err
	}
	if l.ClientID == "" || l.LogoutURI == "" {
		return "", nil, errors.New("ALB logout needs the client id and a logout URI")
	}
	name := l.CookieName
	if name == "" {
		name = defaultALBSessionCookie
	}
	seen := map[string]bool{}
	expire := func(n string) {
		if !seen[n] {
			seen[n] = true
			cookies = append(cookies, &http.Cookie{Name: n, Value: "", Path: "/", MaxAge: -1, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		}
	}
	expire(name + "-0")
	for _, line := range req.HeaderValues("Cookie") {
		cs, perr := http.ParseCookie(line)
		if perr != nil {
			continue
		}
		for _, c := range cs {
			if shard, ok := strings.CutPrefix(c.Name, name+"-"); ok {
				if _, err := strconv.Atoi(shard); err == nil {
					expire(c.Name)
				}
			}
		}
	}
	q := url.Values{"client_id": {l.ClientID}, "logout_uri": {l.LogoutURI}}
	return base + "/logout?" + q.Encode(), cookies, nil
}

// Write performs the logout on a net/http response: the cookies are expired
// and the browser is redirected to Cognito's /logout.
func (l ALBLogout) Write(w http.ResponseWriter, r *http.Request) error {
	loc, cookies, err := l.Plan(HTTPRequest(r))
	if err != nil {
		return err
	}
	for _, c := range cookies {
		http.SetCookie(w, c)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, loc, http.StatusFound)
	return nil
}
