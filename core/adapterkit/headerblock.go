package adapterkit

import "bytes"

// HeaderBlock is a request's header block exactly as received ("Name:
// value" lines), for adapters on servers that merge other fields into their
// header map: fasthttp (fiber) merges the trailer fields of a chunked body,
// and a credential sent there would bypass any proxy or WAF that inspects
// the header block. Values are copied out of the block, so they outlive
// buffers the server reuses.
type HeaderBlock []byte

// Values returns every value of the header name (case-insensitive).
func (b HeaderBlock) Values(name string) []string {
	var out []string
	b.each(func(k, v []byte) {
		if equalFoldASCII(k, name) {
			out = append(out, string(v)) // copies
		}
	})
	return out
}

// Cookie returns the first cookie named name from the Cookie headers.
func (b HeaderBlock) Cookie(name string) (string, bool) {
	value, found := "", false
	b.each(func(k, v []byte) {
		if !found && equalFoldASCII(k, "Cookie") {
			value, found = cookieValue(v, name)
		}
	})
	return value, found
}

// each calls fn with each field, the value trimmed of spaces and tabs.
func (b HeaderBlock) each(fn func(name, value []byte)) {
	block := []byte(b)
	for len(block) > 0 {
		line := block
		if i := bytes.IndexByte(block, '\n'); i >= 0 {
			line, block = block[:i], block[i+1:]
		} else {
			block = nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		k, v, ok := bytes.Cut(line, []byte{':'})
		if !ok || len(k) == 0 {
			continue
		}
		fn(k, bytes.Trim(v, " \t"))
	}
}

// cookieValue finds name in one Cookie header value ("a=1; b=2"); the value
// is copied.
func cookieValue(header []byte, name string) (string, bool) {
	for len(header) > 0 {
		var pair []byte
		pair, header, _ = bytes.Cut(header, []byte{';'})
		k, v, ok := bytes.Cut(bytes.TrimSpace(pair), []byte{'='})
		if ok && string(k) == name {
			return string(v), true
		}
	}
	return "", false
}

// equalFoldASCII compares a header name case-insensitively.
func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		if lower(b[i]) != lower(s[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
