package m2m

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"golang.org/x/oauth2"
)

// Client returns an *http.Client that sends every request with
// Authorization: Bearer and the source's token. Its transport, timeout and
// cookie jar come from the *http.Client in ctx under oauth2.HTTPClient, if
// any (default http.DefaultTransport); ctx is read only here. A request
// waiting for a token stops waiting when its own context ends.
//
// A redirect is followed only to the same scheme and host: the token is
// never sent elsewhere. Another redirect comes back as the 3xx response.
func (ts *TokenSource) Client(ctx context.Context) *http.Client {
	var tmpl *http.Client
	if ctx != nil {
		tmpl, _ = ctx.Value(oauth2.HTTPClient).(*http.Client)
	}
	c := &http.Client{}
	var base http.RoundTripper
	var check func(*http.Request, []*http.Request) error
	if tmpl != nil {
		base, c.Timeout, c.Jar, check = tmpl.Transport, tmpl.Timeout, tmpl.Jar, tmpl.CheckRedirect
	}
	c.Transport = ts.Transport(base)
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if first := via[0].URL; req.URL.Scheme != first.Scheme || !strings.EqualFold(req.URL.Host, first.Host) {
			return http.ErrUseLastResponse
		}
		if check != nil {
			return check(req, via)
		}
		if len(via) >= 10 {
			return errors.New("m2m: stopped after 10 redirects")
		}
		return nil
	}
	return c
}

// Transport returns an http.RoundTripper that adds Authorization: Bearer
// and the source's token to each request and sends it with base
// (http.DefaultTransport if nil). It adds the token to whatever it sends:
// a client built around it should refuse redirects to other hosts, as
// Client does.
func (ts *TokenSource) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{ts: ts, base: base}
}

type transport struct {
	ts   *TokenSource
	base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.ts.TokenContext(req.Context())
	if err != nil {
		if req.Body != nil {
			_ = req.Body.Close() // RoundTrip closes the body, errors included
		}
		return nil, err
	}
	r := req.Clone(req.Context()) // RoundTrip must not modify the request
	tok.SetAuthHeader(r)
	return t.base.RoundTrip(r)
}
