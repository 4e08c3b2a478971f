package examples_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"

	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// This file holds the production-weather suite's simulated users: each
// "page load" is what a browser does, six parallel requests with the same
// credentials, the page as text/html and the rest as JSON.

// pageParts are the six requests of one page load.
var pageParts = []struct{ path, accept string }{
	{"/", html},
	{"/api/me", "application/json"},
	{"/ping", "application/json"},
	{"/api/me?part=3", "application/json"},
	{"/ping?part=4", "application/json"},
	{"/api/me?part=5", "application/json"},
}

// clientTimeout is how long a simulated browser waits for an answer: longer
// than the app's own key fetch (5 s) and token call (10 s) timeouts, so the
// app, not the browser, decides what a hung dependency looks like.
const clientTimeout = 15 * time.Second

// answer is what one request got.
type answer struct {
	path, who  string
	status     int
	retryAfter string
	location   string
	err        error
}

func (a answer) outcome() int {
	switch {
	case a.err != nil:
		return oErr
	case a.status == http.StatusOK:
		return o200
	case (a.status == http.StatusFound || a.status == http.StatusSeeOther) && strings.Contains(a.location, "/login"):
		return oLogin
	case a.status == http.StatusUnauthorized:
		return o401
	case a.status == http.StatusForbidden:
		return o403
	case a.status == http.StatusServiceUnavailable:
		return o503
	}
	return oOther
}

func (a answer) String() string {
	if a.err != nil {
		return fmt.Sprintf("%s %s: %v", a.who, a.path, a.err)
	}
	s := fmt.Sprintf("%s %s: %d", a.who, a.path, a.status)
	if a.location != "" {
		s += " → " + a.location
	}
	return s
}

// visitor is one simulated user.
type visitor interface {
	// request sends one request of a page load.
	request(ctx context.Context, base, path, accept string) answer
}

// pageLoad sends the six requests of one page at once and returns their
// answers.
func pageLoad(ctx context.Context, v visitor, base string) []answer {
	out := make([]answer, len(pageParts))
	var wg sync.WaitGroup
	for i, p := range pageParts {
		wg.Go(func() { out[i] = v.request(ctx, base, p.path, p.accept) })
	}
	wg.Wait()
	return out
}

// send does one GET with client and reads the answer to the end.
func send(ctx context.Context, c *http.Client, who, u, path, accept string, hdr http.Header) answer {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return answer{path: path, who: who, err: err}
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Accept", accept)
	resp, err := c.Do(req)
	if err != nil {
		return answer{path: path, who: who, err: err}
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return answer{path: path, who: who, status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), location: resp.Header.Get("Location")}
}

// noRedirects makes a client report redirects instead of following them, so
// a sign-in redirect is counted as one.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// albUser is a user behind the ALB: the test plays the ALB and sends the
// headers it minted for them straight to the app.
type albUser struct {
	iss    *ct.Issuer
	user   ct.User
	client *http.Client

	mu  sync.Mutex
	hdr http.Header
}

// newALBUsers makes n users (user<first>…) sharing one client, with
// headers minted now.
func newALBUsers(t *testing.T, iss *ct.Issuer, first, n int) []visitor {
	c := &http.Client{Timeout: clientTimeout, CheckRedirect: noRedirects, Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
	t.Cleanup(c.CloseIdleConnections)
	out := make([]visitor, n)
	for i := range n {
		u := &albUser{iss: iss, client: c, user: ct.User{
			Sub: ct.NewUUID(), Username: fmt.Sprintf("user%d", first+i), Email: fmt.Sprintf("user%d@example.com", first+i), Groups: []string{"staff"},
		}}
		u.remint()
		out[i] = u
	}
	return out
}

// remint gets fresh headers from the issuer, signed with its current keys
// (as the ALB does after a key rotation).
func (u *albUser) remint() {
	h := u.iss.Mint(u.user).Header()
	u.mu.Lock()
	u.hdr = h
	u.mu.Unlock()
}

func (u *albUser) request(ctx context.Context, base, path, accept string) answer {
	u.mu.Lock()
	h := u.hdr
	u.mu.Unlock()
	return send(ctx, u.client, u.user.Username, base+path, path, accept, h)
}

// remintAll gives every ALB user fresh headers.
func remintAll(vs []visitor) {
	for _, v := range vs {
		if u, ok := v.(*albUser); ok {
			u.remint()
		}
	}
}

// crowd sends the visitors' page loads to one app and files the answers in
// a weatherLog under the phase current at sending.
type crowd struct {
	t    *testing.T
	base string
	log  *weatherLog
}

// burst has every visitor load a page at the same moment and waits for all
// the answers.
func (c *crowd) burst(vs []visitor) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, v := range vs {
		wg.Go(func() {
			<-start
			phase := c.log.current()
			c.log.add(phase, pageLoad(c.t.Context(), v, c.base))
		})
	}
	close(start)
	wg.Wait()
}

// steadyLoad is page loads running in the background.
type steadyLoad struct {
	stopped chan struct{}
	once    sync.Once
	wg      sync.WaitGroup
}

// steady has every visitor load pages one after another, think apart, until
// stop; the first loads are spread over think so the users are not in step.
func (c *crowd) steady(vs []visitor, think time.Duration) *steadyLoad {
	s := &steadyLoad{stopped: make(chan struct{})}
	for i, v := range vs {
		offset := think * time.Duration(i) / time.Duration(len(vs))
		s.wg.Go(func() {
			if !s.pause(offset) {
				return
			}
			for {
				phase := c.log.current()
				c.log.add(phase, pageLoad(c.t.Context(), v, c.base))
				if !s.pause(think) {
					return
				}
			}
		})
	}
	return s
}

// pause waits d unless stopped first (false).
func (s *steadyLoad) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.stopped:
		return false
	case <-t.C:
		return true
	}
}

// stop sends no more page loads; those in flight go on.
func (s *steadyLoad) stop() { s.once.Do(func() { close(s.stopped) }) }

// wait stops and waits for the page loads in flight.
func (s *steadyLoad) wait() { s.stop(); s.wg.Wait() }

// browser signed in to a hosted-UI app: a cookie jar shared by a client
// that follows redirects (to sign in) and one that does not (page loads, so
// a sign-in redirect is counted).
type hostedBrowser struct {
	name             string
	jar              *cookiejar.Jar
	follow, noFollow *http.Client
}

func newHostedBrowser(t *testing.T, name string) *hostedBrowser {
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	t.Cleanup(tr.CloseIdleConnections)
	return &hostedBrowser{
		name: name, jar: jar,
		follow:   &http.Client{Jar: jar, Timeout: clientTimeout, Transport: tr},
		noFollow: &http.Client{Jar: jar, Timeout: clientTimeout, Transport: tr, CheckRedirect: noRedirects},
	}
}

func (b *hostedBrowser) request(ctx context.Context, base, path, accept string) answer {
	return send(ctx, b.noFollow, b.name, base+path, path, accept, nil)
}
