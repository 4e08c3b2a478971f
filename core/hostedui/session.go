package hostedui

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/internal/tokencache"
)

// session is what the sealed session cookie holds. Identity comes from the
// verified ID token; the access token is re-checked on every request (cached).
type session struct {
	V             int               `json:"v"`
	ID            string            `json:"id"`
	Sub           string            `json:"sub"`
	Email         string            `json:"em,omitempty"`
	EmailVerified bool              `json:"ev,omitempty"`
	Name          string            `json:"nm,omitempty"`
	GivenName     string            `json:"gn,omitempty"`
	FamilyName    string            `json:"fn,omitempty"`
	Attributes    map[string]string `json:"ua,omitempty"`
	Access        string            `json:"at"`
	Refresh       string            `json:"rt,omitempty"`
	AccessExp     int64             `json:"ae"`
	AccessIat     int64             `json:"ai"`
	Created       int64             `json:"c"`
	Seen          int64             `json:"s"`
	Expires       int64             `json:"e"`
	// Lease and LeaseBy (Store sessions only): until when, in Unix
	// milliseconds, and by which app instance the tokens are being renewed.
	Lease   int64  `json:"ls,omitempty"`
	LeaseBy string `json:"lb,omitempty"`
}

// loginState is the short-lived, single-use state of one login attempt.
type loginState struct {
	State    string `json:"st"`
	Verifier string `json:"pv"`
	Nonce    string `json:"nn"`
	Return   string `json:"rd"`
	Expires  int64  `json:"e"`
}

const (
	sessionVersion = 1
	chunkSize      = 3800 // browsers cap a cookie at 4096 bytes, name and attributes included
	maxChunks      = 8
)

func (h *HostedUI) sessionCookie() string { return h.cookieName("cognito-session") }

func (h *HostedUI) loginCookie() string { return h.cookieName("cognito-login") }

// cookieName is base with the __Host- prefix over HTTPS (Secure, Path=/,
// no Domain: the cookie cannot be set or shadowed by a sibling domain).
func (h *HostedUI) cookieName(base string) string {
	if h.cfg.secure {
		return "__Host-" + base
	}
	return base
}

// cookie returns a cookie with the session attributes: HttpOnly,
// SameSite=Lax, Path=/ (required by __Host-), Secure over HTTPS.
func (h *HostedUI) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true, //nolint:gosec // Secure follows the app URL's scheme (off only for plain-HTTP local apps)
		Secure: h.cfg.secure, SameSite: http.SameSiteLaxMode}
}

// joinChunks returns name.0, name.1, … joined ("" when there is none).
func joinChunks(req core.Request, name string) string {
	first, ok := req.Cookie(name + ".0")
	if !ok {
		return ""
	}
	var b strings.Builder
	b.WriteString(first)
	for i := 1; i < maxChunks; i++ {
		part, ok := req.Cookie(name + "." + strconv.Itoa(i))
		if !ok {
			break
		}
		b.WriteString(part)
	}
	return b.String()
}

// readSealed joins name.0, name.1, … and opens the result.
func (h *HostedUI) readSealed(req core.Request, name string, v any) (bool, error) {
	raw := joinChunks(req, name)
	if raw == "" {
		return false, nil
	}
	return true, h.openSealed(name, raw, v)
}

// openSealed opens a joined sealed value into v.
func (h *HostedUI) openSealed(name, raw string, v any) error {
	plain, err := h.seal.open(name, raw)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return errSeal
	}
	return nil
}

// loadSession opens the session: from the cookie (cookie store, using the
// cache of opened sessions: a sealed value is immutable, so the same string
// always opens to the same session, and a hit compares the full string), or
// from the Store the cookie points at (never cached: logout elsewhere must
// take effect at once).
func (h *HostedUI) loadSession(ctx context.Context, req core.Request) (*loaded, bool, error) {
	name := h.sessionCookie()
	raw := joinChunks(req, name)
	if raw == "" {
		return nil, false, nil
	}
	if h.cfg.store != nil {
		var ref sessionRef
		if err := h.openSealed(name, raw, &ref); err != nil || ref.V != sessionVersion || ref.ID == "" {
			return nil, true, errSeal
		}
		l, err := h.getStored(ctx, ref.ID)
		return l, true, err
	}
	key := tokencache.Key{A: raw, C: name}
	now := h.cfg.now()
	if s, ok := h.opened.Get(&key, now); ok {
		return &loaded{s: *s}, true, nil
	}
	var s session
	if err := h.openSealed(name, raw, &s); err != nil {
		return nil, true, err
	}
	cached := s
	h.opened.Put(&key, &cached, time.Unix(s.Expires, 0))
	return &loaded{s: s}, true, nil
}

// maxAge is the Max-Age of s's cookies: until its absolute expiry (-1, gone
// at once, when it is past).
func (h *HostedUI) maxAge(s *session) int {
	if n := int(s.Expires - h.cfg.now().Unix()); n > 0 {
		return n
	}
	return -1
}

// writeSealed seals v into as many cookies as it needs and expires chunks
// left over from a larger value.
func (h *HostedUI) writeSealed(w core.CookieWriter, req core.Request, name string, v any, maxAge int) error {
	plain, err := json.Marshal(v)
	if err != nil {
		return err
	}
	value := h.seal.seal(name, plain)
	n := 0
	for ; len(value) > 0; n++ {
		if n == maxChunks {
			return errTooLarge
		}
		part := value[:min(chunkSize, len(value))]
		value = value[len(part):]
		w.SetCookie(h.cookie(name+"."+strconv.Itoa(n), part, maxAge))
	}
	h.clearFrom(w, req, name, n)
	return nil
}

// clearFrom expires name.from, name.from+1, … that the request carries.
func (h *HostedUI) clearFrom(w core.CookieWriter, req core.Request, name string, from int) {
	for i := from; i < maxChunks; i++ {
		if _, ok := req.Cookie(name + "." + strconv.Itoa(i)); ok {
			w.SetCookie(h.cookie(name+"."+strconv.Itoa(i), "", -1))
		}
	}
}

type sealError string

func (e sealError) Error() string { return string(e) }

const errTooLarge = sealError("session is larger than the cookies can hold")
