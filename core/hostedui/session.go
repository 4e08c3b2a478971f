package hostedui

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core"
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

func (h *HostedUI) sessionCookie() string {
	if h.cfg.secure {
		return "__Host-cognito-session"
	}
	return "cognito-session"
}

func (h *HostedUI) loginCookie() string {
	if h.cfg.secure {
		return "__Host-cognito-login"
	}
	return "cognito-login"
}

// cookie returns a cookie with the session attributes: HttpOnly,
// SameSite=Lax, Path=/ (required by __Host-), Secure over HTTPS.
func (h *HostedUI) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true, //nolint:gosec // Secure follows the app URL's scheme (off only for plain-HTTP local apps)
		Secure: h.cfg.secure, SameSite: http.SameSiteLaxMode}
}

// readSealed joins name.0, name.1, … and opens the result.
func (h *HostedUI) readSealed(req core.Request, name string, v any) (bool, error) {
	var b strings.Builder
	for i := range maxChunks {
		part, ok := req.Cookie(name + "." + strconv.Itoa(i))
		if !ok {
			break
		}
		b.WriteString(part)
	}
	if b.Len() == 0 {
		return false, nil
	}
	plain, err := h.seal.open(name, b.String())
	if err != nil {
		return true, err
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return true, errSeal
	}
	return true, nil
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
