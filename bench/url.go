package bench

import "net/url"

func urlParse(s string) (*url.URL, error) { return url.Parse(s) }

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err) // only called with URLs from the local test issuer
	}
	return u
}
