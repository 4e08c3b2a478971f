// Package web holds the small HTTP decisions core and its packages share:
// where a browser may return to after signing in, and whether a request
// comes from a browser.
package web

import "strings"

// SafeReturnPath returns p if it is a same-origin path ("/…", not "//…",
// no backslash, control characters or scheme), else "/". Every post-login
// return address goes through it.
func SafeReturnPath(p string) string {
	if p == "" || p[0] != '/' || len(p) > 2048 {
		return "/"
	}
	if len(p) > 1 && (p[1] == '/' || p[1] == '\\') {
		return "/"
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	return p
}

// WantsHTML reports whether Accept header values prefer an HTML page (a
// browser) over JSON (an API client).
func WantsHTML(accept []string) bool {
	for _, v := range accept {
		for part := range strings.SplitSeq(v, ",") {
			mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
			mt = strings.ToLower(strings.TrimSpace(mt))
			switch mt {
			case "text/html", "application/xhtml+xml":
				return true
			case "application/json", "application/problem+json":
				return false
			}
		}
	}
	return false
}
