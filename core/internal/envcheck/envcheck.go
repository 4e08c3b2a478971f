// Package envcheck knows every COGNITO_AUTH_* variable the packages of
// cognito-auth-go read, and finds the ones in an environment that none
// reads — a typo, most often — with the known name closest to each.
// core.KnownEnv exports the list; core.New and core.NewVerifier report what
// Unknown finds; core, core/hostedui and core/m2m name a near miss in the
// error for a setting that is missing.
package envcheck

import (
	"os"
	"slices"
	"strings"
)

// Prefix starts every variable of the library.
const Prefix = "COGNITO_AUTH_"

// Var is one variable and the package that owns it (defines the constant;
// others may read it too).
type Var struct{ Name, Owner string }

// Known is every COGNITO_AUTH_* variable the repository's packages read,
// by owner, sorted by name within each owner. A test greps the repository's
// Go code for every COGNITO_AUTH_ name and checks it is here.
var Known = []Var{
	{"COGNITO_AUTH_ALB_ARN", "core"},
	{"COGNITO_AUTH_ALB_KEYS_URL", "core"},
	{"COGNITO_AUTH_ALLOWED_ORIGINS", "core"},
	{"COGNITO_AUTH_ALLOW_UNVERIFIED_EMAIL", "core"},
	{"COGNITO_AUTH_BEARER", "core"},
	{"COGNITO_AUTH_CLIENT_ID", "core"},
	{"COGNITO_AUTH_CONFIG_PATH", "core"},
	{"COGNITO_AUTH_DEV_CONFIG", "core"},
	{"COGNITO_AUTH_DEV_MODE", "core"},
	{"COGNITO_AUTH_DEV_MODE_FORCE", "core"},
	{"COGNITO_AUTH_DOMAIN", "core"},
	{"COGNITO_AUTH_JWKS_URL", "core"},
	{"COGNITO_AUTH_MACHINE_ACCESS", "core"},
	{"COGNITO_AUTH_MACHINE_CLIENT_IDS", "core"},
	{"COGNITO_AUTH_POLICY_RELOAD_INTERVAL", "core"},
	{"COGNITO_AUTH_REDIRECT_URL", "core"},
	{"COGNITO_AUTH_REGION", "core"},
	{"COGNITO_AUTH_REPLICA_REGIONS", "core"},
	{"COGNITO_AUTH_REVALIDATE_EVERY", "core"},
	{"COGNITO_AUTH_REVALIDATE_GRACE", "core"},
	{"COGNITO_AUTH_SECRET_NAME", "core"},
	{"COGNITO_AUTH_SIGN_OUT_URL", "core"},
	{"COGNITO_AUTH_STRICT_ENV", "core"},
	{"COGNITO_AUTH_TRUST_APIGATEWAY_AUTHORIZER", "core"},
	{"COGNITO_AUTH_USER_POOL_ID", "core"},
	{"COGNITO_AUTH_APP_URL", "core/hostedui"},
	{"COGNITO_AUTH_CALLBACK_PATH", "core/hostedui"},
	{"COGNITO_AUTH_CLIENT_SECRET", "core/hostedui"},
	{"COGNITO_AUTH_LOGOUT_URI", "core/hostedui"},
	{"COGNITO_AUTH_SCOPES", "core/hostedui"},
	{"COGNITO_AUTH_SESSION_IDLE", "core/hostedui"},
	{"COGNITO_AUTH_SESSION_SECRET", "core/hostedui"},
	{"COGNITO_AUTH_SESSION_TTL", "core/hostedui"},
	{"COGNITO_AUTH_M2M_CLIENT_ID", "core/m2m"},
	{"COGNITO_AUTH_M2M_CLIENT_SECRET", "core/m2m"},
	{"COGNITO_AUTH_M2M_SCOPES", "core/m2m"},
}

// IsKnown reports whether name is a known variable.
func IsKnown(name string) bool {
	for _, v := range Known {
		if v.Name == name {
			return true
		}
	}
	return false
}

// Finding is a variable of the environment that no package reads, and the
// known name closest to it ("" when none is close).
type Finding struct{ Name, Closest string }

// Unknown returns the names of the environment that look like the
// library's (COGNITO_AUTH_*, in any case) but are neither known nor among
// own (the app's own), each with its closest known name, sorted by name.
// An entry of names may be NAME or NAME=VALUE (as os.Environ gives them);
// only the name is read.
func Unknown(names, own []string) []Finding {
	var out []Finding
	for _, n := range names {
		n, _, _ = strings.Cut(n, "=")
		if len(n) < len(Prefix) || !strings.EqualFold(n[:len(Prefix)], Prefix) || IsKnown(n) || slices.Contains(own, n) {
			continue
		}
		if !slices.ContainsFunc(out, func(f Finding) bool { return f.Name == n }) {
			out = append(out, Finding{Name: n, Closest: Closest(n)})
		}
	}
	slices.SortFunc(out, func(a, b Finding) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Names lists the names of the environment: those list gives, or the
// process's (os.Environ) when list is nil.
func Names(list func() []string) []string {
	if list == nil {
		list = os.Environ
	}
	return list()
}

// Closest returns the known name nearest to name: the same words in another
// order, in another case, or a few edits away (a letter or an underscore
// missing, added, swapped or wrong); "" when none is that near.
func Closest(name string) string {
	upper := strings.ToUpper(name)
	if IsKnown(upper) {
		return upper // only the case differs
	}
	s := strings.TrimPrefix(upper, Prefix)
	best, bestD := "", -1
	for _, v := range Known {
		k := strings.TrimPrefix(v.Name, Prefix)
		d := distance(s, k)
		if sameWords(s, k) {
			d = 1
		}
		if d > max(2, min(len(s), len(k))/3) {
			continue
		}
		if bestD < 0 || d < bestD {
			best, bestD = v.Name, d
		}
	}
	return best
}

// sameWords reports the same underscore-separated words in any order.
func sameWords(a, b string) bool {
	wa, wb := strings.Split(a, "_"), strings.Split(b, "_")
	slices.Sort(wa)
	slices.Sort(wb)
	return slices.Equal(wa, wb)
}

// distance is the optimal string alignment distance of a and b: the
// insertions, deletions, substitutions and swaps of neighbours that turn
// one into the other. Names are short; longer ones are cut to 64 bytes.
func distance(a, b string) int {
	a, b = a[:min(len(a), 64)], b[:min(len(b), 64)]
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// DidYouMean is the sentence that names a finding's closest known name.
func (f Finding) DidYouMean() string {
	if f.Closest == "" {
		return "no package of cognito-auth-go reads it"
	}
	return "did you mean " + f.Closest + "?"
}

// NearMiss says which unknown variables were probably meant to be one of
// want (a setting found missing): "; COGNITO_AUTH_USERPOOL_ID is set: did
// you mean COGNITO_AUTH_USER_POOL_ID?", or "" when none was.
func NearMiss(findings []Finding, want ...string) string {
	var sb strings.Builder
	for _, f := range findings {
		if f.Closest != "" && slices.Contains(want, f.Closest) {
			sb.WriteString("; " + f.Name + " is set: did you mean " + f.Closest + "?")
		}
	}
	return sb.String()
}
