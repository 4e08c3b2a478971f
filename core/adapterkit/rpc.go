package adapterkit

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// RPCTable is what an RPC adapter (grpcauth, connectauth) makes of its
// rule and bypass options: per full method ("/pkg.Service/Method", as gRPC
// and Connect name procedures) and per service, the rules, or whether the
// calls are public. Read only after NewRPC.
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

// The standard services an RPC adapter treats specially.
const (
	// HealthService is the standard health service (grpc.health.v1):
	// bypassed unless RPCConfig.ProtectHealth or an entry names it.
	HealthService = "grpc.health.v1.Health"
	// ReflectionService and ReflectionServiceV1Alpha are server reflection:
	// protected unless RPCConfig.PublicReflection.
	ReflectionService        = "grpc.reflection.v1.ServerReflection"
	ReflectionServiceV1Alpha = "grpc.reflection.v1alpha.ServerReflection"
)

// RPCConfig is what an RPC adapter's options collect: the BaseAuth (or
// core's options to build one), the rule and bypass entries, and the
// switches of the two defaults.
type RPCConfig struct {
	Config
	Entries          []RPCEntry
	ProtectHealth    bool // the health service needs credentials too
	PublicReflection bool // server reflection needs none
}

// NewRPC builds an RPC adapter's kit and method table from c: the health
// service public unless c.ProtectHealth or an entry names it, reflection
// public only with c.PublicReflection, bearer tokens on (an RPC carries no
// other credentials). Every problem is reported at once, as a
// core.ErrConfig error prefixed with the adapter's name.
func NewRPC(adapter string, c RPCConfig) (*Kit, *RPCTable, error) {
	entries := slices.Clip(c.Entries)
	if !c.ProtectHealth && !namesService(entries, HealthService) {
		entries = append(entries, RPCEntry{Option: "default", Name: HealthService, Public: true})
	}
	if c.PublicReflection {
		entries = append(entries,
			RPCEntry{Option: "WithPublicReflection", Name: ReflectionService, Public: true},
			RPCEntry{Option: "WithPublicReflection", Name: ReflectionServiceV1Alpha, Public: true})
	}
	t, err := newRPCTable(adapter, entries)
	if err != nil {
		return nil, nil, err
	}
	c.CoreOptions = append(slices.Clip(c.CoreOptions), core.WithBearer(true))
	k, err := New(c.Config)
	if err != nil {
		return nil, nil, err
	}
	return k, t, nil
}

// AdmitRPC decides one call of an RPC adapter, req's Path its full method:
// a public method passes as it is; otherwise the principal is verified (or
// taken from ctx when this kit's BaseAuth already verified it) and
// authorised with the method's rules, and ctx carries it and ends at its
// credential's end. done releases that context; err is core's refusal, for
// the adapter to turn into its status codes.
func (k *Kit) AdmitRPC(ctx context.Context, t *RPCTable, req core.Request) (_ context.Context, done context.CancelFunc, err error) {
	public, rules := t.Lookup(req.Path())
	if public {
		return ctx, func() {}, nil
	}
	u, fresh, err := k.Check(ctx, req, rules)
	if err != nil {
		return nil, nil, err
	}
	if fresh {
		ctx, done = k.Admit(ctx, u)
		return ctx, done, nil
	}
	ctx, done = core.UntilCredentialEnd(ctx)
	return ctx, done, nil
}

// newRPCTable checks every name (a full method "/pkg.Service/Method" or a
// service "pkg.Service", as the option wants) and builds the table; every
// problem is reported at once, as a core.ErrConfig error prefixed with the
// adapter's name.
func newRPCTable(adapter string, entries []RPCEntry) (*RPCTable, error) {
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

// namesService reports whether any entry names service or one of its
// methods (so that an adapter's default for the service, such as a public
// health service, does not override the app's own entries).
func namesService(entries []RPCEntry, service string) bool {
	for _, e := range entries {
		if e.Name == service || serviceOf(e.Name) == service {
			return true
		}
	}
	return false
}
