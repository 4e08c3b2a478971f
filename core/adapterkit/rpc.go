package adapterkit

import (
	"fmt"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// RPCTable is what an RPC adapter (grpcauth, connectauth) makes of its
// rule and bypass options: per full method ("/pkg.Service/Method", as gRPC
// and Connect name procedures) and per service, the rules, or whether the
// calls are public. Read only after NewRPCTable.
type RPCTable struct {
	methodRules  map[string][]core.Rule
	serviceRules map[string][]core.Rule
	public       map[string]bool // full methods and services
}

// RPCEntry is one name given to an adapter's option: Option names the
// option (WithMethodRules takes full methods; the others services, or full
// methods when Public), Rules its rules, Public a bypass.
type RPCEntry struct {
	Option, Name string
	Rules        []core.Rule
	Public       bool
}

// NewRPCTable checks every name (a full method "/pkg.Service/Method" or a
// service "pkg.Service", as the option wants) and builds the table; every
// problem is reported at once, as a core.ErrConfig error prefixed with the
// adapter's name.
func NewRPCTable(adapter string, entries []RPCEntry) (*RPCTable, error) {
	t := &RPCTable{methodRules: map[string][]core.Rule{}, serviceRules: map[string][]core.Rule{}, public: map[string]bool{}}
	seen := map[string]string{}
	var problems []string
	for _, e := range entries {
		method := strings.HasPrefix(e.Name, "/")
		var err error
		switch {
		case e.Option == "WithMethodRules" || (e.Public && method):
			err = checkMethod(e.Name)
		default:
			err = checkService(e.Name)
		}
		if prev := seen[e.Name]; err == nil && prev != "" && (!e.Public || prev != e.Option) {
			err = fmt.Errorf("also given to %s", seen[e.Name])
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s(%q): %v", e.Option, e.Name, err))
			continue
		}
		seen[e.Name] = e.Option
		switch {
		case e.Public:
			t.public[e.Name] = true
		case method:
			t.methodRules[e.Name] = append([]core.Rule(nil), e.Rules...)
		default:
			t.serviceRules[e.Name] = append([]core.Rule(nil), e.Rules...)
		}
	}
	if len(problems) > 0 {
		return nil, core.NewError(core.ErrConfig, core.CodeInvalidConfig, adapter+": "+strings.Join(problems, "; "))
	}
	return t, nil
}

// Lookup returns whether fullMethod is public, and else its rules: the
// method's own when it has some, else its service's (the method wins).
func (t *RPCTable) Lookup(fullMethod string) (public bool, rules []core.Rule) {
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

// RPCNames reports whether any entry names service or one of its methods
// (so that an adapter's default for the service, such as a public health
// service, does not override the app's own entries).
func RPCNames(entries []RPCEntry, service string) bool {
	for _, e := range entries {
		if e.Name == service || serviceOf(e.Name) == service {
			return true
		}
	}
	return false
}
