package core

// AdapterConfig is the configuration every framework adapter shares; each
// adapter's options fill it.
type AdapterConfig struct {
	// Base is a BaseAuth to share; nil builds one with CoreOptions.
	Base *BaseAuth
	// CoreOptions are passed to New when the adapter builds its BaseAuth.
	CoreOptions []Option
	// Bypass are exact paths the app-wide protection skips.
	Bypass []string
}

// Adapter is the part every framework adapter shares: the BaseAuth it uses
// (and whether it built it) and its bypass paths. Adapters embed it.
type Adapter struct {
	base   *BaseAuth
	owned  bool
	bypass PathSet
}

// NewAdapter builds the shared part of an adapter: it uses cfg.Base, or
// builds a BaseAuth from the environment and cfg.CoreOptions (configuration
// errors are returned).
func NewAdapter(cfg AdapterConfig) (Adapter, error) {
	a := Adapter{base: cfg.Base, bypass: NewPathSet(cfg.Bypass...)}
	if a.base == nil {
		b, err := New(cfg.CoreOptions...)
		if err != nil {
			return Adapter{}, err
		}
		a.base, a.owned = b, true
	}
	return a, nil
}

// Base returns the BaseAuth in use.
func (a *Adapter) Base() *BaseAuth { return a.base }

// Bypassed reports whether path is one of the bypass paths or a route of
// the hosted-UI login (which must be reachable without a session).
func (a *Adapter) Bypassed(path string) bool {
	return a.bypass.Contains(path) || a.base.SessionRoute(path)
}

// Close closes the BaseAuth if the adapter built it.
func (a *Adapter) Close() error {
	if a.owned {
		return a.base.Close()
	}
	return nil
}
