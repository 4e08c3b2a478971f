package adapterkit

import "strings"

// pathSet is a set of exact request paths, as used for bypass paths. A
// trailing slash is ignored ("/health" and "/health/" are the same); nothing
// else is normalised, so "/healthz", "/HEALTH" and "/health/../admin" are not
// in a set holding "/health".
type pathSet map[string]struct{}

func newPathSet(paths ...string) pathSet {
	s := make(pathSet, len(paths))
	for _, p := range paths {
		s[trimSlash(p)] = struct{}{}
	}
	return s
}

func (s pathSet) contains(path string) bool {
	if len(s) == 0 {
		return false
	}
	_, ok := s[trimSlash(path)]
	return ok
}

func trimSlash(p string) string {
	if len(p) > 1 {
		return strings.TrimSuffix(p, "/")
	}
	return p
}
