package keys

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Fetcher performs bounded HTTP GETs for key material.
type Fetcher struct {
	Client   *http.Client
	Timeout  time.Duration
	MaxBytes int64
}

// statusError reports a non-200 answer.
type statusError struct{ code int }

func (e *statusError) Error() string { return fmt.Sprintf("key server answered HTTP %d", e.code) }

// Get fetches url and returns its body. It always ends within Timeout. A body
// over MaxBytes is an error.
func (f *Fetcher) Get(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, f.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	req.Header.Set("Accept", "application/json, application/x-pem-file, */*")
	resp, err := f.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		// Drain a little so the connection can be reused, then give up.
		_, _ = io.CopyN(io.Discard, resp.Body, 4096)
		return nil, &statusError{code: resp.StatusCode}
	}
	if resp.ContentLength > f.MaxBytes {
		return nil, fmt.Errorf("%w: body of %d bytes exceeds the %d byte cap", ErrUnavailable, resp.ContentLength, f.MaxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading body: %w", ErrUnavailable, err)
	}
	if int64(len(body)) > f.MaxBytes {
		return nil, fmt.Errorf("%w: body exceeds the %d byte cap", ErrUnavailable, f.MaxBytes)
	}
	return body, nil
}
