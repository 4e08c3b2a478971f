package lambdaauth

import (
	"context"
	"encoding/base64"
	"iter"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
)

// maxFormBytes caps the form body read for the hosted-UI logout (its one
// field is a CSRF token).
const maxFormBytes = 64 << 10

// exchange is one event of any shape as core and the hosted UI need it: the
// request's method, path (without the API Gateway stage), query, headers
// (canonical names, every value, the cookies of payload 2.0 as Cookie
// lines; see headerFrom) and body, and the cookies a source or route sets
// on the response.
type exchange struct {
	method, path, rawQuery string
	escapedPath            string // the path as sent, when the event has it (HTTP API rawPath)
	header                 http.Header
	body                   string
	base64Body             bool
	claims                 core.AuthorizerClaims
	setCookies             []string
	done                   context.CancelFunc // releases the handler context's bound (guard)
	query                  url.Values         // rawQuery parsed, on first use
	ambiguous              error              // the refusal of ambiguous headers (headerFrom), or nil
}

var (
	_ hostedui.Exchange = (*exchange)(nil)
	_ core.CookieWriter = (*exchange)(nil)
)

// HeaderValues returns every value of the header, matched case-insensitively.
func (x *exchange) HeaderValues(name string) []string { return x.header.Values(name) }

// Cookie returns the named cookie from the request's Cookie lines (the
// first, when a browser sends cookies of different paths).
func (x *exchange) Cookie(name string) (string, bool) {
	for _, line := range x.header.Values("Cookie") {
		for n, v := range cookiePairs(line) {
			if n == name {
				return v, true
			}
		}
	}
	return "", false
}

// Path returns the request path without the API Gateway stage.
func (x *exchange) Path() string { return x.path }

// RequestURI returns the path and query, for post-login return addresses.
func (x *exchange) RequestURI() string {
	if x.rawQuery == "" {
		return x.path
	}
	return x.path + "?" + x.rawQuery
}

// finish releases what the guard set up for the handler.
func (x *exchange) finish() {
	if x.done != nil {
		x.done()
	}
}

// SetCookie records a cookie for the response.
func (x *exchange) SetCookie(c *http.Cookie) {
	if v := c.String(); v != "" {
		x.setCookies = append(x.setCookies, v)
	}
}

// Method returns the HTTP method.
func (x *exchange) Method() string { return x.method }

// Query returns the first value of a query parameter (a malformed query
// has none).
func (x *exchange) Query(name string) string {
	if x.query == nil {
		q, err := url.ParseQuery(x.rawQuery)
		if err != nil {
			q = url.Values{}
		}
		x.query = q
	}
	return x.query.Get(name)
}

// FormValue returns a field of a POSTed urlencoded form.
func (x *exchange) FormValue(name string) string {
	if x.method != http.MethodPost {
		return ""
	}
	mt, _, _ := mime.ParseMediaType(x.header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		return ""
	}
	body := x.bodyBytes()
	if len(body) > maxFormBytes {
		return ""
	}
	f, err := url.ParseQuery(string(body))
	if err != nil {
		return ""
	}
	return f.Get(name)
}

// bodyBytes is the request body, base64-decoded when the event says so.
func (x *exchange) bodyBytes() []byte {
	if !x.base64Body {
		return []byte(x.body)
	}
	b, err := base64.StdEncoding.DecodeString(x.body)
	if err != nil {
		return nil
	}
	return b
}

// headerFrom builds canonical headers from an event's multi-value and
// single-value maps (multi-value wins when present, as API Gateway and the
// ALB send the same headers in both) and payload 2.0's cookies array (one
// more Cookie header, read first). Names that differ only in case are one
// header: their spellings are merged in sorted order, whatever the map
// order, and a value one spelling repeats from another is kept once.
// ambiguous is the refusal of an event that sends a credential with
// different values under two spellings (see ambiguity), else nil.
func headerFrom(multi map[string][]string, single map[string]string, cookies []string) (h http.Header, ambiguous error) {
	spelled := map[string][][]string{} // canonical name: the values under each spelling
	if len(cookies) > 0 {
		spelled["Cookie"] = [][]string{cookies}
	}
	add := func(k string, vs []string) {
		ck := http.CanonicalHeaderKey(k)
		spelled[ck] = append(spelled[ck], vs)
	}
	if multi != nil {
		for _, k := range slices.Sorted(maps.Keys(multi)) {
			add(k, multi[k])
		}
	} else {
		for _, k := range slices.Sorted(maps.Keys(single)) {
			add(k, []string{single[k]})
		}
	}
	h = make(http.Header, len(spelled))
	for name, spellings := range spelled {
		if vs := mergeSpellings(spellings); len(vs) > 0 {
			h[name] = vs
		}
	}
	return h, ambiguity(spelled)
}

// mergeSpellings returns the values of every spelling in turn, without the
// values an earlier spelling already had (repeats within one spelling stay:
// the header was sent more than once).
func mergeSpellings(spellings [][]string) []string {
	if len(spellings) == 1 {
		return slices.Clone(spellings[0])
	}
	var out []string
	earlier := map[string]bool{}
	for _, vs := range spellings {
		for _, v := range vs {
			if !earlier[v] {
				out = append(out, v)
			}
		}
		for _, v := range vs {
			earlier[v] = true
		}
	}
	return out
}

// ambiguity refuses headers that name a credential twice: a credential
// header (the ALB's three, Authorization) or a cookie with two different
// values under two spellings of its header name. Which value to believe
// would otherwise be a matter of spelling. The detail names the header,
// never a value; the first credential header in this order is reported.
func ambiguity(spelled map[string][][]string) error {
	for _, name := range [...]string{core.HeaderData, core.HeaderAccessToken, core.HeaderIdentity, "Authorization"} {
		if spellings := spelled[name]; len(spellings) > 1 && distinct(spellings) > 1 {
			return core.NewError(core.ErrInvalidToken, core.CodeDuplicateHeader, name+" was sent under two spellings with different values")
		}
	}
	if cookieConflict(spelled["Cookie"]) {
		return core.NewError(core.ErrInvalidToken, core.CodeDuplicateHeader, "a cookie was sent under two spellings of Cookie with different values")
	}
	return nil
}

// distinct counts the different values of all spellings.
func distinct(spellings [][]string) int {
	seen := map[string]bool{}
	for _, vs := range spellings {
		for _, v := range vs {
			seen[v] = true
		}
	}
	return len(seen)
}

// cookieConflict reports whether some cookie is on the Cookie lines of two
// spellings and has two different values. Any cookie counts: the hosted-UI
// session and login cookies (chunked, "__Host-" over HTTPS) and whatever a
// source of the app's reads. Different values within one spelling are what
// browsers send for cookies of different paths, and stay (first wins).
func cookieConflict(spellings [][]string) bool {
	if len(spellings) < 2 {
		return false
	}
	type seen struct {
		value                 string
		spelling              int
		differs, twoSpellings bool
	}
	cookies := map[string]*seen{}
	for i, lines := range spellings {
		for _, line := range lines {
			for name, value := range cookiePairs(line) {
				c, ok := cookies[name]
				if !ok {
					cookies[name] = &seen{value: value, spelling: i}
					continue
				}
				c.differs = c.differs || value != c.value
				c.twoSpellings = c.twoSpellings || i != c.spelling
				if c.differs && c.twoSpellings {
					return true
				}
			}
		}
	}
	return false
}

// cookiePairs yields the name and value of each cookie on a Cookie line.
// Each pair is parsed on its own, as net/http does: a malformed cookie of
// some other app on the domain does not hide the others.
func cookiePairs(line string) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for pair := range strings.SplitSeq(line, ";") {
			cookies, err := http.ParseCookie(strings.TrimSpace(pair))
			if err != nil || len(cookies) != 1 {
				continue
			}
			if !yield(cookies[0].Name, cookies[0].Value) {
				return
			}
		}
	}
}

// rawQueryFrom encodes an event's decoded query parameters (multi-value
// wins when present).
func rawQueryFrom(multi map[string][]string, single map[string]string) string {
	q := url.Values{}
	if multi != nil {
		for k, vs := range multi {
			q[k] = append(q[k], vs...)
		}
	} else {
		for k, v := range single {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

// stripStage removes the "/STAGE" prefix API Gateway keeps in an HTTP API's
// rawPath for a named stage; "$default" has none.
func stripStage(path, stage string) string {
	if stage == "" || stage == "$default" {
		return path
	}
	p := "/" + stage
	switch {
	case path == p:
		return "/"
	case strings.HasPrefix(path, p+"/"):
		return path[len(p):]
	}
	return path
}

// response is what an event handler answers, before it takes the shape of
// the event it answers.
type response struct {
	status int
	header http.Header
	body   []byte
}

// textual reports whether a body of this content type can travel as a plain
// string (else it is base64-encoded).
func textual(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch {
	case mt == "", strings.HasPrefix(mt, "text/"):
		return true
	case strings.HasSuffix(mt, "json"), strings.HasSuffix(mt, "xml"), strings.Contains(mt, "javascript"),
		mt == "application/x-www-form-urlencoded":
		return true
	}
	return false
}

// encodeBody returns the body as the event response carries it: as is
// when it is UTF-8 text, else base64 (binary types, compressed bodies, text
// in another charset: a JSON string would mangle their bytes).
func encodeBody(h http.Header, body []byte) (string, bool) {
	enc := strings.TrimSpace(h.Get("Content-Encoding"))
	if textual(h.Get("Content-Type")) && (enc == "" || strings.EqualFold(enc, "identity")) && utf8.Valid(body) {
		return string(body), false
	}
	return base64.StdEncoding.EncodeToString(body), true
}
