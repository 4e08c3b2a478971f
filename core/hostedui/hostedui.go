package hostedui

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"

	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/internal/tokencache"
	"github.com/cognitoauth/cognito-auth-go/core/internal/web"
)

// HostedUI runs the hosted-UI login for a BaseAuth. Build one per process
// with New; it is safe for concurrent use.
type HostedUI struct {
	v       *core.Verifier
	cfg     *config
	seal    *sealer
	oauth   *oauth2.Config
	refresh singleflight.Group
	opened  *tokencache.Cache[*session] // opened session cookies, by sealed value
	renewed *tokencache.Cache[*session] // cookie sessions renewed in this process, by session id, until they end
	dead    *tokencache.Cache[bool]     // refresh tokens Cognito refused, never sent again
	failing *tokencache.Cache[*renewal] // sessions whose refresh just failed for an outage, until they may try again
	// instance names this HostedUI among the app instances sharing a Store
	// (the holder of a session's renewal lease).
	instance  string
	routes    []Route
	observers []SessionObserver // the Verifier's observers that hear sessions
}

// New configures the hosted-UI login from the environment (options override
// it), verifying tokens with v. The HostedUI is a core.Source: hand it to
// core.New with core.WithSources(ui) (and the same v with core.WithVerifier),
// so the BaseAuth accepts its sessions, lets its routes through and sends
// browsers without a session to its login route. Every configuration
// problem is returned together, each a *core.Error with code invalid_config.
func New(v *core.Verifier, opts ...Option) (*HostedUI, error) {
	cfg, err := loadConfig(v, opts)
	if err != nil {
		return nil, err
	}
	seal, err := newSealer(cfg.secrets)
	if err != nil {
		return nil, configError("%v", err)
	}
	scopes := append([]string{"openid", "email", "profile"}, cfg.scopes...)
	// Client authentication as Cognito's token endpoint documents it
	// (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html):
	// a client with a secret sends "Authorization: Basic" with the
	// form-encoded id and secret (client_secret_basic); a public client sends
	// client_id in the body and no Authorization header.
	style := oauth2.AuthStyleInHeader
	if cfg.clientSecret == "" {
		style = oauth2.AuthStyleInParams
	}
	h := &HostedUI{
		v: v, cfg: cfg, seal: seal, instance: randomString(),
		opened: tokencache.New[*session](10_000, 64<<20), renewed: tokencache.New[*session](10_000, 64<<20), dead: tokencache.New[bool](10_000, 16<<20),
		failing: tokencache.New[*renewal](10_000, 16<<20),
	}
	h.oauth = &oauth2.Config{
		ClientID:     v.ClientIDs()[0],
		ClientSecret: cfg.clientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL: cfg.base + "/oauth2/authorize", TokenURL: cfg.base + "/oauth2/token",
			AuthStyle: style,
		},
		RedirectURL: cfg.appURL + cfg.callbackPath,
		Scopes:      scopes,
	}
	h.routes = []Route{
		{http.MethodGet, cfg.loginPath, h.Login},
		{http.MethodGet, cfg.callbackPath, h.Callback},
		{http.MethodGet, cfg.logoutPath, h.Logout},
		{http.MethodPost, cfg.logoutPath, h.Logout},
	}
	for _, o := range v.Observers() {
		if so, ok := o.(SessionObserver); ok {
			h.observers = append(h.observers, so)
		}
	}
	return h, nil
}

// Verifier returns the Verifier the HostedUI verifies tokens with, for
// core.WithVerifier.
func (h *HostedUI) Verifier() *core.Verifier { return h.v }

// LoginURL implements core.LoginRedirector: where a browser without a
// session goes to sign in.
func (h *HostedUI) LoginURL(returnPath string) string {
	return h.cfg.prefix + h.cfg.loginPath + "?rd=" + url.QueryEscape(web.SafeReturnPath(returnPath))
}

// SourceName implements core.NamedSource: decisions made from the session
// cookie are reported as "session".
func (*HostedUI) SourceName() string { return "session" }

// OwnsPath implements core.PathOwner: the login, callback and logout routes,
// exactly as the app sees them — without the mount prefix, which a proxy
// (http.StripPrefix, API Gateway's stage) removes before the app. A path
// that still starts with the prefix ("/Prod/login/cognito", reached by
// asking for "/Prod/Prod/login/cognito") is not one of them: letting it
// through would open whatever route serves it.
func (h *HostedUI) OwnsPath(path string) bool {
	for _, r := range h.routes {
		if r.Path == path {
			return true
		}
	}
	return false
}

// Exchange is one request as the hosted-UI routes need it. Adapters
// implement it over their framework's request and response.
type Exchange interface {
	core.Request
	core.CookieWriter
	Method() string
	Query(name string) string
	FormValue(name string) string
}

func randomString() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func firstHeader(r core.Request, name string) string {
	if v := r.HeaderValues(name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// The HostedUI is a credential source that owns its routes and signs
// browsers in.
var (
	_ core.Source          = (*HostedUI)(nil)
	_ core.PathOwner       = (*HostedUI)(nil)
	_ core.LoginRedirector = (*HostedUI)(nil)
	_ core.PageLinker      = (*HostedUI)(nil)
)
