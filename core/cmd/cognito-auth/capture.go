package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
)

// maxCapture bounds the captured request read (headers carry tokens of at
// most 16 KiB each).
const maxCapture = 1 << 20

// capture is a request as captured: its method, target and headers (every
// value kept, so a header sent twice is seen twice).
type capture struct {
	method, target string
	header         http.Header
}

var (
	reRequestLine = regexp.MustCompile(`^([A-Z]+) (\S+) HTTP/[0-9.]+$`)
	reHeaderName  = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
)

// errCapture marks a capture that cannot be read (exit 2).
var errCapture = errors.New("capture")

// parseCapture reads raw HTTP request text, the "> " lines of curl -v, or
// plain "Name: value" lines. A request line is optional (GET / without one).
// Reading stops at the first blank line after the headers (a body is
// ignored).
func parseCapture(r io.Reader) (*capture, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxCapture+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading the request: %w", errCapture, err)
	}
	if len(data) > maxCapture {
		return nil, fmt.Errorf("%w: the request is larger than %d bytes", errCapture, maxCapture)
	}
	lines, err := splitLines(string(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errCapture, err)
	}
	c := &capture{method: http.MethodGet, target: "/", header: http.Header{}}
	started := false
	for i, line := range lines {
		if strings.TrimSpace(line) == "" {
			if started {
				break // end of the header block
			}
			continue
		}
		if !started {
			started = true
			if m := reRequestLine.FindStringSubmatch(line); m != nil {
				c.method, c.target = m[1], m[2]
				continue
			}
		}
		if line[0] == ' ' || line[0] == '\t' {
			// Obsolete line folding: servers refuse it (Go's with 400), so
			// the app never sees such a request.
			return nil, fmt.Errorf("%w: line %d continues the previous header (obsolete line folding), which servers refuse", errCapture, i+1)
		}
		if pseudo, value, ok := strings.Cut(strings.TrimPrefix(line, ":"), ":"); ok && line[0] == ':' {
			c.pseudoHeader(pseudo, strings.TrimSpace(value)) // HTTP/2, as browser developer tools copy it
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || !reHeaderName.MatchString(name) {
			return nil, fmt.Errorf("%w: line %d is neither a request line nor a \"Name: value\" header (no space may precede the colon)", errCapture, i+1)
		}
		c.header.Add(textproto.CanonicalMIMEHeaderKey(name), strings.TrimSpace(value))
	}
	if len(c.header) == 0 && !started {
		return nil, fmt.Errorf("%w: no request line or header found (give raw HTTP, curl -v output or Name: value lines)", errCapture)
	}
	return c, nil
}

// pseudoHeader applies an HTTP/2 pseudo-header (":method: GET", ":path: /x",
// ":authority: host"); others (":scheme") are ignored.
func (c *capture) pseudoHeader(name, value string) {
	switch name {
	case "method":
		c.method = value
	case "path":
		c.target = value
	case "authority":
		c.header.Set("Host", value)
	}
}

// splitLines splits on newlines, drops carriage returns and, when the text
// is curl -v output (lines starting with "> "), keeps only those lines.
func splitLines(s string) ([]string, error) {
	var all, curl []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 64<<10), maxCapture)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		all = append(all, line)
		switch {
		case strings.HasPrefix(line, "> "):
			curl = append(curl, line[2:])
		case line == ">":
			curl = append(curl, "")
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the lines: %w", err)
	}
	if len(curl) > 0 {
		return curl, nil
	}
	return all, nil
}

// request builds the *http.Request core sees.
func (c *capture) request() (*http.Request, error) {
	host := c.header.Get("Host")
	if host == "" {
		host = "app.invalid"
	}
	target := c.target
	if !strings.HasPrefix(target, "/") {
		u, err := url.Parse(target)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("%w: request target %q is neither a path nor an absolute URL", errCapture, target)
		}
		target = u.RequestURI()
	}
	r, err := http.NewRequest(c.method, "http://"+host+target, http.NoBody) //nolint:noctx // never sent: it is what core inspects
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errCapture, err)
	}
	r.Header = c.header
	return r, nil
}
