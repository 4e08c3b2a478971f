package main

import (
	"bytes"
	"strings"
	"testing"
)

// govulncheck -format json output, cut down: a fixable module-level
// finding, a fixable package-level one, one with no fix, and the config.
const (
	config       = `{"config":{"protocol_version":"v1.0.0","scanner_name":"govulncheck","scanner_version":"v1.7.0","db":"file:///db","db_last_modified":"2026-08-21T00:00:00Z","scan_level":"symbol"}}` + "\n"
	osvNet       = `{"osv":{"id":"GO-2026-5026","summary":"Punycode labels in golang.org/x/net/idna"}}` + "\n"
	netModule    = `{"finding":{"osv":"GO-2026-5026","fixed_version":"v0.55.0","trace":[{"module":"golang.org/x/net","version":"v0.50.0"}]}}` + "\n"
	netPackage   = `{"finding":{"osv":"GO-2026-5026","fixed_version":"v0.55.0","trace":[{"module":"golang.org/x/net","version":"v0.50.0","package":"golang.org/x/net/idna"}]}}` + "\n"
	fiberModule  = `{"finding":{"osv":"GO-2026-5912","fixed_version":"v3.4.0","trace":[{"module":"github.com/gofiber/fiber/v3","version":"v3.1.0"}]}}` + "\n"
	fiberModule2 = `{"finding":{"osv":"GO-2026-5069","fixed_version":"v3.2.0","trace":[{"module":"github.com/gofiber/fiber/v3","version":"v3.1.0"}]}}` + "\n"
	unfixed      = `{"finding":{"osv":"GO-2026-5932","trace":[{"module":"golang.org/x/crypto","version":"v0.55.0"}]}}` + "\n"
	unfixedCall  = `{"finding":{"osv":"GO-2026-5932","trace":[{"module":"golang.org/x/crypto","version":"v0.55.0","package":"golang.org/x/crypto/openpgp","function":"ReadMessage"},{"module":"example.com/m","package":"example.com/m","function":"main"}]}}` + "\n"
)

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		name, input string
		wantErr     []string // none: passes
		wantOut     []string
	}{
		{"clean", config, nil, []string{"m: 0 called, 0 in imported packages, 0 in required modules only (govulncheck v1.7.0, symbol scan, database file:///db"}},
		{
			"no fix published, not called: listed, passes", config + unfixed, nil,
			[]string{"0 called, 0 in imported packages, 1 in required modules only", "    GO-2026-5932 golang.org/x/crypto@v0.55.0 (required module): no fix published"},
		},
		{
			"no fix published, called: fails", config + unfixed + unfixedCall,
			[]string{"m: 1 of 1 vulnerabilities are called or have a fixed version"},
			[]string{"1 called, 0 in imported packages, 0 in required modules only", "✗ GO-2026-5932 golang.org/x/crypto@v0.55.0 (called: golang.org/x/crypto/openpgp.ReadMessage): no fix published"},
		},
		{
			"fixable, in a required module only: fails", config + fiberModule + fiberModule2 + unfixed,
			[]string{"m: 2 of 3 vulnerabilities", "github.com/gofiber/fiber/v3@v3.4.0"},
			[]string{"✗ GO-2026-5069 github.com/gofiber/fiber/v3@v3.1.0 (required module): fixed in v3.2.0", "    GO-2026-5932"},
		},
		{
			"fixable, imported: the closest level, with its summary", config + osvNet + netModule + netPackage,
			[]string{"m: 1 of 1 vulnerabilities", "golang.org/x/net@v0.55.0"},
			[]string{"0 called, 1 in imported packages, 0 in required modules only", "✗ GO-2026-5026 golang.org/x/net@v0.50.0 (imported package): fixed in v0.55.0 — Punycode labels"},
		},
		{"not govulncheck output", "{}\n", []string{"no govulncheck config message"}, nil},
		{"not JSON", "No vulnerabilities found.\n", []string{"reading govulncheck -format json output"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(strings.NewReader(tc.input), &out, "m")
			if len(tc.wantErr) == 0 && err != nil {
				t.Fatalf("failed: %v\n%s", err, out.String())
			}
			if len(tc.wantErr) > 0 && err == nil {
				t.Fatalf("passed, want an error containing %q\n%s", tc.wantErr, out.String())
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}
