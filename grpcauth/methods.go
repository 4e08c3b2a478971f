package grpcauth

import (
	"fmt"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// Services bypassed or protected by default.
const (
	// HealthService is the standard health service (grpc.health.v1):
	// bypassed unless WithProtectedHealth.
	HealthService = "grpc.health.v1.Health"
	// ReflectionService and ReflectionServiceV1Alpha are server reflection:
	// protected unless WithPublicReflection.
	ReflectionService        = "grpc.reflection.v1.ServerReflection"
	ReflectionServiceV1Alpha = "grpc.reflection.v1alpha.ServerReflection"
)

// table is what New makes of the rule and bypass options: per full method
// and per service, the rules, or whether the calls are public. Read only
// after New.
type table struct {
	methodRules  map[string][]core.Rule
	serviceRules map[string][]core.Rule
	public       map[string]bool // full methods and services
}

// entry is one name given to an option, checked by build.
type entry struct {
	option, name string
	rules        []core.Rule
	public       bool
}

// build checks every name (a full method "/pkg.Service/Method" or a service
// "pkg.Service", as the option wants) and builds the table; every problem
// is reported at once, as a core.ErrConfig error.
func build(entries []entry) (*table, error) {
	t := &table{methodRules: map[string][]core.Rule{}, serviceRules: map[string][]core.Rule{}, public: map[string]bool{}}
	seen := map[string]string{}
	var problems []string
	for _, e := range entries {
		method := strings.HasPrefix(e.name, "/")
		var err error
		switch {
		case e.option == "WithMethodRules" || (e.public && method):
			err = checkMethod(e.name)
		default:
			err = checkService(e.name)
		}
		if prev := seen[e.name]; err == nil && prev != "" && (!e.public || prev != e.option) {
			err = fmt.Errorf("also given to %s", seen[e.name])
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s(%q): %v", e.option, e.name, err))
			continue
		}
		seen[e.name] = e.option
		switch {
		case e.public:
			t.public[e.name] = true
		case method:
			t.methodRules[e.name] = append([]core.Rule(nil), e.rules...)
		default:
			t.serviceRules[e.name] = append([]core.Rule(nil), e.rules...)
		}
	}
	if len(problems) > 0 {
		return nil, core.NewError(core.ErrConfig, core.CodeInvalidConfig, "grpcauth: "+strings.Join(problems, "; "))
	}
	return t, nil
}

// lookup returns whether fullMethod is public, and else its rules: the
// method's own when it has some, else its service's (the method wins).
func (t *table) lookup(fullMethod string) (public bool, rules []core.Rule) {
	service := serviceOf(fullMethod)
	if t.public[fullMethod] || t.public[service] {
		return true, nil
	}
	if r, ok := t.methodRules[fullMethod]; ok {
		return false, r
	}
	return false, t.serviceRules[service]
}

// serviceOf returns "pkg.Service" of "/pkg.Service/Method" ("" when the
// name is not of that form).
func serviceOf(fullMethod string) string {
	s, ok := strings.CutPrefix(fullMethod, "/")
	if !ok {
		return ""
	}
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[:i]
	}
	return ""
}

// checkMethod accepts "/pkg.Service/Method": a service name, then one
// identifier.
func checkMethod(name string) error {
	s, ok := strings.CutPrefix(name, "/")
	service, method, found := strings.Cut(s, "/")
	if !ok || !found || checkService(service) != nil || !isIdent(method) {
		return fmt.Errorf(`not a full method name "/package.Service/Method"`)
	}
	return nil
}

// checkService accepts "pkg.Service" (dot-separated identifiers; a service
// without a package is allowed, as protobuf allows it).
func checkService(name string) error {
	if name == "" {
		return fmt.Errorf(`empty; want a service name "package.Service"`)
	}
	for part := range strings.SplitSeq(name, ".") {
		if !isIdent(part) {
			return fmt.Errorf(`not a service name "package.Service" (a full method starts with "/")`)
		}
	}
	return nil
}

// isIdent reports a protobuf identifier: a letter or '_', then letters,
// digits and '_'.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}
