package keys

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Fetcher performs bounded HTTP GETs for key material. It never follows a
// redirect: AWS's key endpoints do not redirect, and a key served by a host
// the configuration did not name must never be trusted. Build it with
// NewFetcher.
type Fetcher struct {
	client   *http.Client
	timeout  time.Duration
	maxBytes int64
}

// NewFetcher returns a Fetcher that uses a copy of client (so the caller's
// client is not changed) with redirects turned off.
func NewFetcher(client *http.Client, timeout time.Duration, maxBytes int64) *Fetcher {
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Fetcher{client: &c, timeout: timeout, maxBytes: maxBytes}
}

// statusError reports a non-200 answer. location is the host a redirect
// pointed to (never followed), for the log.
type statusError struct {
	code     int
	location string
}

func (e *statusError) Error() string {
	if e.location != "" {
		return fmt.Sprintf("key server answered HTTP %d redirecting to host %q; key fetches never follow redirects", e.code, e.location)
	}
	return fmt.Sprintf("key server answered HTTP %d", e.code)
}

// FetchResult describes one finished key fetch, for observers: never key
// material, only where, how it went and how long it took.
type FetchResult struct {
	URL      string
	Status   int // the HTTP status, or 0 when no answer came
	Bytes    int // body bytes read
	Start    time.Time
	Duration time.Duration
	Err      error
}

// Get fetches url and returns its body. It always ends within Timeout. A body
// over MaxBytes is an error. When observe is not nil it is told how the
// fetch went.
func (f *Fetcher) Get(ctx context.Context, url string, observe func(FetchResult)) ([]byte, error) {
	if observe == nil {
		body, _, err := f.get(ctx, url)
		return body, err
	}
	start := time.Now()
	body, status, err := f.get(ctx, url)
	observe(FetchResult{URL: url, Status: status, Bytes: len(body), Start: start, Duration: time.Since(start), Err: err})
	return body, err
}

func (f *Fetcher) get(ctx context.Context, url string) ([]byte, int, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	req.Header.Set("Accept", "application/json, application/x-pem-file, */*")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		// Drain a little so the connection can be reused, then give up.
		_, _ = io.CopyN(io.Discard, resp.Body, 4096)
		return nil, resp.StatusCode, &statusError{code: resp.StatusCode, location: redirectHost(resp)}
	}
	if resp.ContentLength > f.maxBytes {
		return nil, resp.StatusCode, fmt.Errorf("%w: body of %d bytes exceeds the %d byte cap", ErrUnavailable, resp.ContentLength, f.maxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return nil, resp.StatusCode, fmt.Errorf("%w: reading body: %w", ErrUnavailable, err)
	}
	if int64(len(body)) > f.maxBytes {
		return nil, resp.StatusCode, fmt.Errorf("%w: body exceeds the %d byte cap", ErrUnavailable, f.maxBytes)
	}
	return body, resp.StatusCode, nil
}

// redirectHost returns the host a 3xx answer pointed to, or "".
func redirectHost(resp *http.Response) string {
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		return ""
	}
	loc, err := resp.Location()
	if err != nil {
		return "(unparsable Location)"
	}
	return loc.Host
}
