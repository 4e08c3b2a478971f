package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
	"github.com/cognitoauth/cognito-auth-go/core/internal/trace"
)

// recorder is the observer the explained BaseAuth reports to: core's own
// checks (trace.Recorder) and its key fetches, in the order they happen.
type recorder struct {
	core.NopObserver
	mu     sync.Mutex
	events []any // trace.Step, decoded, core.KeyFetchEvent
}

type decoded struct {
	token           string
	header, payload []byte
}

func (r *recorder) add(e any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// Step implements trace.Recorder.
func (r *recorder) Step(s trace.Step) { r.add(s) }

// Decoded implements trace.Recorder.
func (r *recorder) Decoded(token string, header, payload []byte) {
	r.add(decoded{token: token, header: append([]byte(nil), header...), payload: append([]byte(nil), payload...)})
}

// ObserveKeyFetch implements core.Observer.
func (r *recorder) ObserveKeyFetch(_ context.Context, e core.KeyFetchEvent) { r.add(e) }

func (r *recorder) list() []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]any(nil), r.events...)
}

var _ trace.Recorder = (*recorder)(nil)

// explain builds the guard from the configuration, runs the captured
// request through it and prints what happened. It returns the exit status.
func explain(c *capture, o *options, env func(string) (string, bool), names func() []string, stdout, stderr io.Writer) int {
	req, err := c.request()
	if err != nil {
		fmt.Fprintln(stderr, "cognito-auth explain:", err)
		return exitUsage
	}
	lookup := o.lookup(env)
	if name, _ := lookup(core.EnvSecretName); strings.TrimSpace(name) != "" {
		if path, _ := lookup(core.EnvConfigPath); strings.TrimSpace(path) == "" {
			fmt.Fprintf(stderr, "cognito-auth explain: the app reads its policy from Secrets Manager (%s=%s), which explain does not;\n"+
				"  save the policy to a file and pass it with -config, e.g.\n"+
				"  aws secretsmanager get-secret-value --secret-id %s --query SecretString --output text > policy.json\n",
				core.EnvSecretName, name, name)
			return exitUsage
		}
		lookup = withoutSecretName(lookup) // -config stands in for the secret
	}
	rec := &recorder{}
	at := o.at
	warnings := &warnings{}
	opts := append([]core.Option{
		core.WithEnvironment(lookup),
		core.WithEnvironmentNames(o.names(names)),
		core.WithLogger(slog.New(warnings)),
		core.WithObserver(rec),
		core.WithClock(func() time.Time { return at }),
	}, o.core...)
	auth, err := core.New(opts...)
	if err != nil {
		fmt.Fprintln(stderr, "cognito-auth explain: the configuration is not valid; the app would not start:")
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(stderr, "  "+line)
		}
		return exitUsage
	}
	defer func() { _ = auth.Close() }()

	p := &printer{w: stdout, at: at, capture: c}
	p.intro(o, auth, warnings.list())
	r := core.HTTPRequest(req)
	u, err := auth.Authenticate(context.Background(), r, o.routeRules...)
	for _, e := range rec.list() {
		p.event(e)
	}
	if err == nil {
		p.allowed(u)
		return exitAllowed
	}
	f := auth.Failure(r, err)
	p.refused(err, &f)
	return exitRefused
}

// warnings keeps the messages the app would log at start-up as warnings
// (an unknown COGNITO_AUTH_* variable, for one), to show them.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (*warnings) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (w *warnings) Handle(_ context.Context, r slog.Record) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, r.Message)
	return nil
}

func (w *warnings) WithAttrs([]slog.Attr) slog.Handler { return w }
func (w *warnings) WithGroup(string) slog.Handler      { return w }

func (w *warnings) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.msgs...)
}

// withoutSecretName hides COGNITO_AUTH_SECRET_NAME from core.
func withoutSecretName(lookup func(string) (string, bool)) func(string) (string, bool) {
	return func(name string) (string, bool) {
		if name == core.EnvSecretName {
			return "", false
		}
		return lookup(name)
	}
}

// printer writes the explanation.
type printer struct {
	w       io.Writer
	at      time.Time
	capture *capture
	token   string // the token whose checks are being printed
}

// printf writes one piece of the explanation. Every string argument is
// escaped (safe): values come from the captured request and from tokens
// anyone can mint, and must not add lines or terminal escapes to it.
func (p *printer) printf(format string, args ...any) {
	clean := make([]any, 0, len(args))
	for _, a := range args {
		switch a := a.(type) {
		case string:
			clean = append(clean, safe(a))
		case []string:
			s := make([]string, 0, len(a))
			for _, v := range a {
				s = append(s, safe(v))
			}
			clean = append(clean, s)
		default:
			clean = append(clean, a)
		}
	}
	fmt.Fprintf(p.w, format, clean...)
}

// safe escapes what is not printable text: control characters (C0 and
// C1, including newlines and ESC), format characters such as bidi
// overrides, and invalid UTF-8.
func safe(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsGraphic(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var sb strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			fmt.Fprintf(&sb, "\\x%02x", s[i])
		case !unicode.IsGraphic(r):
			fmt.Fprintf(&sb, "\\u%04x", r)
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

func (p *printer) intro(o *options, auth *core.BaseAuth, warnings []string) {
	switch {
	case o.past && p.at.After(time.Now()):
		p.printf("*** EVALUATED AT A FUTURE INSTANT: %s (not now; -at) ***\n", p.at.Format(time.RFC3339))
	case o.past:
		p.printf("*** EVALUATED AT A PAST INSTANT: %s (not now; -at) ***\n", p.at.Format(time.RFC3339))
	default:
		p.printf("evaluated at %s (now)\n", p.at.Format(time.RFC3339))
	}
	v := auth.Verifier()
	p.printf("configuration:\n")
	for _, pool := range v.UserPoolIDs() {
		region, _, _ := strings.Cut(pool, "_")
		p.printf("  user pool   %s  issuers %s (ORIGINAL), %s (UPDATED)\n", pool, awsurl.OriginalIssuer(region, pool), awsurl.UpdatedIssuer(pool))
	}
	p.printf("  clients     %s\n", orNone(v.ClientIDs(), "any (none configured)"))
	p.printf("  ALB ARNs    %s\n", orNone(v.ALBARNs(), "none (ALB headers are not verified)"))
	if len(o.routeLabels) > 0 {
		p.printf("  route rules %s\n", strings.Join(o.routeLabels, ", "))
	}
	for _, w := range warnings {
		p.printf("  warning     %s\n", w) // what the app logs at start-up
	}
	names := make([]string, 0, len(p.capture.header))
	for k := range p.capture.header {
		names = append(names, k)
	}
	sort.Strings(names)
	p.printf("request: %s %s\n  headers: %s\n", p.capture.method, p.capture.target, strings.Join(names, ", "))
	p.notes()
}

// notes says what the capture cannot show.
func (p *printer) notes() {
	h := p.capture.header
	albHeaders := h.Get(core.HeaderData) != "" || h.Get(core.HeaderAccessToken) != "" || h.Get(core.HeaderIdentity) != ""
	var albCookie, otherCookie bool
	for _, line := range h.Values("Cookie") {
		for pair := range strings.SplitSeq(line, ";") {
			name, _, _ := strings.Cut(strings.TrimSpace(pair), "=")
			if strings.HasPrefix(name, "AWSELBAuthSessionCookie") {
				albCookie = true
			} else if name != "" {
				otherCookie = true
			}
		}
	}
	if albCookie && !albHeaders {
		p.printf("  note: this request was captured before the ALB: the ALB turns its AWSELBAuthSessionCookie into the\n" +
			"        x-amzn-oidc-* headers the app verifies. Capture the request where the app receives it (see Troubleshooting).\n")
	}
	if otherCookie {
		p.printf("  note: cookies are not explained (a hosted-UI session needs the app's session keys)\n")
	}
}

func orNone(list []string, none string) string {
	if len(list) == 0 {
		return none
	}
	return strings.Join(list, ", ")
}

func (p *printer) event(e any) {
	switch e := e.(type) {
	case trace.Step:
		p.step(e)
	case decoded:
		p.printf("      decoded header  %s\n", oneLine(e.header))
		p.printf("      decoded claims  %s\n", oneLine(e.payload))
	case core.KeyFetchEvent:
		status := fmt.Sprintf("HTTP %d, %d bytes", e.Status, e.Bytes)
		if e.Status == 0 {
			status = "no answer"
		}
		if e.Err != nil {
			status += ": " + e.Err.Error()
		}
		p.printf("  key fetch   %s GET %s -> %s (%v)\n", e.Source, e.URL, status, e.Duration.Round(time.Millisecond))
	}
}

func (p *printer) step(s trace.Step) {
	if s.Token != p.token {
		p.token = s.Token
		p.printf("%s\n", s.Token)
	}
	if s.Rule != "" {
		p.rule(s)
		return
	}
	mark := "ok  "
	switch {
	case s.Failed != "":
		mark = "FAIL"
	case s.Note:
		mark = "note"
	}
	value := s.Value
	switch {
	case s.HasTime:
		value = p.when(s)
	case s.Check == "form" && s.Failed == "":
		value = p.form(s.Token)
	case value == "absent":
		value = "absent (optional)"
	}
	line := fmt.Sprintf("  [%s] %-22s %s", mark, s.Check, value)
	if s.Failed != "" {
		line += "  => " + s.Failed
	}
	p.printf("%s\n", strings.TrimRight(line, " "))
	// A failed comparison: what was expected, next to the token's value.
	if s.Want != "" {
		p.printf("         %-22s %s\n", s.WantLabel, s.Want)
	}
	if s.Hint != "" {
		p.printf("         %-22s %s\n", "hint", s.Hint)
	}
}

// rule prints an authorisation rule: what it requires, what the user has
// for it, and whether it admits them.
func (p *printer) rule(s trace.Step) {
	result := "no match"
	if s.Matched {
		result = "matches"
	}
	if s.Has == "" {
		p.printf("  [rule] %s (%s) — %s\n", s.Check, s.Rule, result)
		return
	}
	p.printf("  [rule] %s (%s): %s — %s\n", s.Check, s.Rule, s.Has, result)
}

// when shows a checked time in UTC and how far it is from the instant.
func (p *printer) when(s trace.Step) string {
	t := time.Unix(s.Unix, 0).UTC()
	secs := s.Unix - p.at.Unix() // in seconds: a Duration saturates at about 292 years
	var rel string
	switch abs := max(secs, -secs); {
	case abs > 100*365*24*3600:
		rel = fmt.Sprintf("%d days", abs/(24*3600))
	default:
		rel = (time.Duration(abs) * time.Second).String()
	}
	if secs < 0 {
		rel += " ago"
	} else {
		rel = "in " + rel
	}
	return t.Format("2006-01-02 15:04:05 UTC") + " (" + rel + ")"
}

// form describes a token's compact form from the captured header (segment
// lengths and padding), never its contents.
func (p *printer) form(token string) string {
	raw := ""
	switch token {
	case "x-amzn-oidc-data":
		raw = p.capture.header.Get(core.HeaderData)
	case "access token":
		raw = p.capture.header.Get(core.HeaderAccessToken)
		if raw == "" {
			_, raw, _ = strings.Cut(p.capture.header.Get("Authorization"), " ")
		}
	}
	segs := strings.Split(raw, ".")
	if len(segs) != 3 {
		return "three base64url segments"
	}
	pad := "unpadded"
	for _, s := range segs {
		if strings.HasSuffix(s, "=") {
			pad = "padded"
		}
	}
	return fmt.Sprintf("three base64url segments (%d, %d and %d characters), %s", len(segs[0]), len(segs[1]), len(segs[2]), pad)
}

// oneLine returns decoded JSON on one line, printable characters only.
func oneLine(b []byte) string {
	var sb strings.Builder
	for _, r := range string(b) {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			sb.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&sb, "\\x%02x", r)
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

func (p *printer) allowed(u *core.User) {
	p.printf("\nverdict: ALLOWED - the app lets this request in\n")
	if u.Machine {
		p.printf("  machine client: %s, scopes %v, pool %s (the user policy does not apply to machine clients)\n", u.ClientID, u.Scopes, u.UserPoolID)
		return
	}
	p.printf("  user: sub %s, username %s, groups %v, pool %s", u.Sub, u.Username, u.Groups, u.UserPoolID)
	if u.IsAppAdmin() {
		p.printf(", app admin")
	}
	p.printf("\n")
}

func (p *printer) refused(err error, f *core.Response) {
	p.printf("\nverdict: REFUSED - code %s (%s)\n", core.CodeOf(err), kind(err))
	p.printf("  reason: %s\n", err.Error())
	p.printf("the app answers: HTTP %d %s\n", f.Status, http.StatusText(f.Status))
	if loc := f.Header.Get("Location"); loc != "" {
		p.printf("  redirect to %s\n", loc)
		return
	}
	for _, h := range []string{"Content-Type", "Www-Authenticate", "Retry-After"} {
		if v := f.Header.Get(h); v != "" {
			p.printf("  %s: %s\n", h, v)
		}
	}
	if strings.HasPrefix(f.Header.Get("Content-Type"), "application/json") {
		p.printf("  %s\n", strings.TrimSpace(string(f.Body)))
	} else {
		p.printf("  (an HTML page of %d bytes)\n", len(f.Body))
	}
}

// kind names the sentinel a refusal matches.
func kind(err error) string {
	for _, k := range []struct {
		err  error
		name string
	}{
		{core.ErrMissingToken, "ErrMissingToken"},
		{core.ErrInvalidToken, "ErrInvalidToken"},
		{core.ErrExpiredToken, "ErrExpiredToken"},
		{core.ErrForbidden, "ErrForbidden"},
		{core.ErrUnavailable, "ErrUnavailable"},
		{core.ErrConfig, "ErrConfig"},
	} {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	return "uncoded error"
}
