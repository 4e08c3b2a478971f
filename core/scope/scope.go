// Package scope gives each user only the rows of a dataset they may see: the
// Python package's AuthorisedDataFrame, made generic over the row type.
//
// Prepare the data once, segmented by a key (a department, a region, …), with
// a mapping from email domains and Cognito groups to the segments they may
// see. Per request, For returns a View of the allowed segments. Rows are
// never copied per request: a View shares the prepared segments, so treat
// them as read-only.
//
// App admins (admin_groups/admin_users of the policy) and members of the
// "admins" group see every segment. A user with no mapping sees nothing.
package scope

import (
	"iter"
	"slices"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// Mapping says which segments a user may see.
type Mapping[K comparable] struct {
	// Domains maps an email domain ("example.com", case-insensitive) to
	// segments. Only verified emails count.
	Domains map[string][]K
	// Groups maps a Cognito group to segments.
	Groups map[string][]K
}

// Scoped is a dataset prepared for per-user views. It is immutable and safe
// for concurrent use.
type Scoped[K comparable, R any] struct {
	segments map[K][]R
	all      []K // every segment, in first-seen order
	domains  map[string][]K
	groups   map[string][]K
}

// New segments rows by key once and compiles the mapping.
func New[K comparable, R any](rows []R, key func(R) K, m Mapping[K]) *Scoped[K, R] {
	s := &Scoped[K, R]{segments: map[K][]R{}, domains: map[string][]K{}, groups: map[string][]K{}}
	for _, r := range rows {
		k := key(r)
		if _, ok := s.segments[k]; !ok {
			s.all = append(s.all, k)
		}
		s.segments[k] = append(s.segments[k], r)
	}
	for k, seg := range s.segments {
		s.segments[k] = slices.Clip(seg) // appends by a caller cannot reach a neighbour
	}
	for d, ks := range m.Domains {
		s.domains[strings.ToLower(d)] = dedupe(ks)
	}
	for g, ks := range m.Groups {
		s.groups[g] = dedupe(ks)
	}
	return s
}

func dedupe[K comparable](ks []K) []K {
	out := make([]K, 0, len(ks))
	for _, k := range ks {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// View is the part of a dataset one user may see.
type View[K comparable, R any] struct {
	keys []K
	s    *Scoped[K, R]
}

// For returns what u may see: every segment for admins, the segments mapped
// from the user's verified email domain and groups otherwise, nothing for an
// unmapped (or nil) user.
func (s *Scoped[K, R]) For(u *core.User) View[K, R] {
	if u == nil {
		return View[K, R]{s: s}
	}
	if u.IsAppAdmin() || u.IsAdmin() {
		return View[K, R]{keys: s.all, s: s}
	}
	var keys []K
	if u.EmailVerified {
		keys = s.domains[u.EmailDomain()]
	}
	shared := true // keys still aliases a compiled slice
	for _, g := range u.Groups {
		gk, ok := s.groups[g]
		if !ok {
			continue
		}
		if keys == nil {
			keys = gk
			continue
		}
		for _, k := range gk {
			if !slices.Contains(keys, k) {
				if shared {
					keys = slices.Clone(keys)
					shared = false
				}
				keys = append(keys, k)
			}
		}
	}
	return View[K, R]{keys: keys, s: s}
}

// HasAccess reports whether the user may see any segment.
func (v View[K, R]) HasAccess() bool { return len(v.keys) > 0 }

// Keys returns the segments the user may see (a copy).
func (v View[K, R]) Keys() []K { return slices.Clone(v.keys) }

// Len returns the number of rows the user may see.
func (v View[K, R]) Len() int {
	n := 0
	for _, k := range v.keys {
		n += len(v.s.segments[k])
	}
	return n
}

// Segment returns the rows of one segment if the user may see it.
func (v View[K, R]) Segment(k K) ([]R, bool) {
	if !slices.Contains(v.keys, k) {
		return nil, false
	}
	return v.s.segments[k], true
}

// Segments iterates over the allowed segments and their rows.
func (v View[K, R]) Segments() iter.Seq2[K, []R] {
	return func(yield func(K, []R) bool) {
		for _, k := range v.keys {
			if !yield(k, v.s.segments[k]) {
				return
			}
		}
	}
}

// All iterates over every row the user may see, segment by segment.
func (v View[K, R]) All() iter.Seq[R] {
	return func(yield func(R) bool) {
		for _, k := range v.keys {
			for _, r := range v.s.segments[k] {
				if !yield(r) {
					return
				}
			}
		}
	}
}
