// Command vulnreport reads govulncheck's JSON output (govulncheck -format
// json) on standard input, prints one line per vulnerability found and fails
// when one of them can be fixed or is called:
//
//	GOWORK=off govulncheck -format json ./... | go run ./tools/vulnreport -module ginauth
//
// govulncheck's own exit status fails only on vulnerabilities the code
// calls. What users install is every module the library requires, so this
// fails on any finding, at any level (a called symbol, an imported package,
// or only a required module), that has a fixed version: raising the
// requirement fixes it, and scripts/dependency-floors.txt then keeps it
// fixed. A finding with no fixed version published fails only if the code
// calls it (as govulncheck does); otherwise it is listed as "no fix
// published" on every run, never silenced.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/mod/semver"
)

func main() {
	mod := flag.String("module", "", "the module scanned, for messages")
	flag.Parse()
	if err := run(os.Stdin, os.Stdout, *mod); err != nil {
		fmt.Fprintln(os.Stderr, "vulnreport:", err)
		os.Exit(1)
	}
}

// Level is how close a finding is to the code: the levels govulncheck
// reports, from the weakest.
type Level int

// The levels of a finding.
const (
	Module  Level = iota // a required module has the vulnerability
	Package              // an imported package has it
	Symbol               // the code calls a vulnerable function
)

func (l Level) String() string {
	return [...]string{"required module", "imported package", "called"}[l]
}

// Finding is one vulnerability, at the closest level govulncheck found it.
type Finding struct {
	ID, Summary, Module, Version, Fixed string
	Level                               Level
	Symbol                              string // the function called, for Symbol
}

// Fixable reports whether a version raise fixes the finding.
func (f Finding) Fixable() bool { return f.Fixed != "" }

// Fails reports whether the finding fails the check.
func (f Finding) Fails() bool { return f.Fixable() || f.Level == Symbol }

func (f Finding) String() string {
	s := fmt.Sprintf("%s %s@%s (%s", f.ID, f.Module, f.Version, f.Level)
	if f.Symbol != "" {
		s += ": " + f.Symbol
	}
	s += "): "
	if f.Fixable() {
		s += "fixed in " + f.Fixed
	} else {
		s += "no fix published"
	}
	if f.Summary != "" {
		s += " — " + f.Summary
	}
	return s
}

// message is one message of govulncheck's JSON stream (protocol v1.0.0);
// only the parts read here.
type message struct {
	Config *struct {
		ScannerVersion string `json:"scanner_version"`
		DB             string `json:"db"`
		DBLastModified string `json:"db_last_modified"`
		ScanLevel      string `json:"scan_level"`
	} `json:"config"`
	OSV *struct {
		ID      string `json:"id"`
		Summary string `json:"summary"`
	} `json:"osv"`
	Finding *struct {
		OSV          string `json:"osv"`
		FixedVersion string `json:"fixed_version"`
		Trace        []struct {
			Module   string `json:"module"`
			Version  string `json:"version"`
			Package  string `json:"package"`
			Function string `json:"function"`
			Receiver string `json:"receiver"`
		} `json:"trace"`
	} `json:"finding"`
}

// parse reads govulncheck's JSON stream: the findings, one per
// vulnerability at its closest level, sorted by level (closest first) and ID,
// and a description of the scan.
func parse(r io.Reader) ([]Finding, string, error) {
	dec := json.NewDecoder(r)
	byID := map[string]*Finding{}
	summaries := map[string]string{}
	scan := ""
	for {
		var m message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, "", fmt.Errorf("reading govulncheck -format json output: %w", err)
		}
		switch {
		case m.Config != nil:
			c := m.Config
			scan = fmt.Sprintf("govulncheck %s, %s scan, database %s (modified %s)", c.ScannerVersion, c.ScanLevel, c.DB, c.DBLastModified)
		case m.OSV != nil:
			summaries[m.OSV.ID] = m.OSV.Summary
		case m.Finding != nil && len(m.Finding.Trace) > 0:
			f := toFinding(m)
			if old, ok := byID[f.ID]; !ok || f.Level > old.Level {
				byID[f.ID] = &f
			}
		}
	}
	if scan == "" {
		return nil, "", errors.New("no govulncheck config message on the input: is it govulncheck -format json output?")
	}
	out := make([]Finding, 0, len(byID))
	for id, f := range byID {
		f.Summary = summaries[id]
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Level != out[j].Level {
			return out[i].Level > out[j].Level
		}
		return out[i].ID < out[j].ID
	})
	return out, scan, nil
}

func toFinding(m message) Finding {
	t := m.Finding.Trace[0] // the vulnerable symbol, package or module
	f := Finding{ID: m.Finding.OSV, Module: t.Module, Version: t.Version, Fixed: m.Finding.FixedVersion}
	switch {
	case t.Function != "":
		f.Level, f.Symbol = Symbol, t.Package+"."+t.Function
		if t.Receiver != "" {
			f.Symbol = t.Package + "." + strings.TrimPrefix(t.Receiver, "*") + "." + t.Function
		}
	case t.Package != "":
		f.Level = Package
	default:
		f.Level = Module
	}
	return f
}

func run(r io.Reader, out io.Writer, mod string) error {
	if mod == "" {
		mod = "the module"
	}
	findings, scan, err := parse(r)
	if err != nil {
		return fmt.Errorf("%s: %w", mod, err)
	}
	count := [3]int{}
	var failing []Finding
	for _, f := range findings {
		count[f.Level]++
		if f.Fails() {
			failing = append(failing, f)
		}
	}
	fmt.Fprintf(out, "vulnreport: %s: %d called, %d in imported packages, %d in required modules only (%s)\n",
		mod, count[Symbol], count[Package], count[Module], scan)
	for _, f := range findings {
		mark := "  "
		if f.Fails() {
			mark = "✗ "
		}
		fmt.Fprintf(out, "  %s%s\n", mark, f)
	}
	if len(failing) > 0 {
		return fmt.Errorf("%s: %d of %d vulnerabilities are called or have a fixed version (marked ✗ above)%s",
			mod, len(failing), len(findings), raises(failing))
	}
	return nil
}

// raises says which version raises fix the findings: for each module, the
// highest fixed version among them.
func raises(findings []Finding) string {
	highest := map[string]string{}
	for _, f := range findings {
		if f.Fixable() && semver.Compare(f.Fixed, highest[f.Module]) > 0 {
			highest[f.Module] = f.Fixed
		}
	}
	if len(highest) == 0 {
		return ""
	}
	mods := make([]string, 0, len(highest))
	for m := range highest {
		mods = append(mods, m)
	}
	sort.Strings(mods)
	var b strings.Builder
	b.WriteString("; raise, in the module that requires it (go get MODULE@VERSION && go mod tidy), and add a line to scripts/dependency-floors.txt:")
	for _, m := range mods {
		fmt.Fprintf(&b, "\n  %s@%s", m, highest[m])
	}
	return b.String()
}
