package core

import (
	"net/http"
	"strings"
)

// PathSet is a set of exact request paths, as used for bypass paths. A
// trailing slash is ignored ("/health" and "/health/" are the same); nothing
// else is normalised, so "/healthz", "/HEALTH" and "/health/../admin" are not
// in a set holding "/health".
type PathSet struct{ m map[string]struct{} }

// NewPathSet returns a set of paths.
func NewPathSet(paths ...string) PathSet {
	m := make(map[string]struct{}, len(paths))
	for _, p := range paths {
		m[trimSlash(p)] = struct{}{}
	}
	return PathSet{m: m}
}

// Contains reports whether path is in the set.
func (s PathSet) Contains(path string) bool {
	if len(s.m) == 0 {
		return false
	}
	_, ok := s.m[trimSlash(path)]
	return ok
}

func trimSlash(p string) string {
	if len(p) > 1 {
		return strings.TrimSuffix(p, "/")
	}
	return p
}

// WriteFailure renders f on a net/http ResponseWriter.
func WriteFailure(w http.ResponseWriter, f Failure) {
	h := w.Header()
	for k, v := range f.Header {
		h[k] = append([]string(nil), v...)
	}
	w.WriteHeader(f.Status)
	if len(f.Body) > 0 {
		_, _ = w.Write(f.Body)
	}
}
