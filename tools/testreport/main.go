// Command testreport is the report of scripts/test.sh.
//
// Read mode (the default) reads go test -json on standard input, as one
// stage of the test command runs it, and writes what a person needs to see:
// a line per package ("ok  pkg 1.2s"), the whole output of every test that
// failed (and of a package that failed without a failing test: a build
// failure, a panic, a timeout), anything that is not go test JSON (the go
// command's own messages) as it comes, and a closing count. It exits 1 when
// a package or a test failed, or when no go test JSON came at all, so a
// failing go test fails its pipeline even without pipefail:
//
//	go test -json ./... 2>&1 | testreport -stage race -record "$report"
//
// -record appends the counts to the report file of the run, one
// tab-separated line (tests, stage, packages, packages without tests,
// passed, failed, skipped, the failed tests).
//
// Summary mode (-summary FILE) reads that file — the test command appends a
// line when a stage starts (start, key, title) and when it ends (stage, key,
// title, seconds, ok or FAIL),
// what each counted (count, key, text) and why a stage failed (fail, key,
// message) — and prints the table of stages, then the line
//
//	N passed, M failed, K skipped
//
// over every test run of every stage, then "All checks passed (Ns)." or the
// failed stages with their failed tests; it exits 1 when a stage failed.
// Tests are counted per run, subtests and examples included: a test that
// two stages run (with and without go.work, another Go) counts twice.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

func main() {
	stage := flag.String("stage", "", "read mode: the stage's key, for -record")
	record := flag.String("record", "", "read mode: append the counts to this report file")
	trim := flag.String("trim", "", "drop this prefix from package paths (a module path and a slash)")
	summary := flag.String("summary", "", "summary mode: print the report of this file")
	seconds := flag.Int("seconds", -1, "summary mode: the whole run's wall time")
	flag.Parse()
	if *summary != "" {
		ok, err := summarize(*summary, *seconds, os.Stdout)
		if err != nil {
			fmt.Fprintln(os.Stderr, "testreport:", err)
			os.Exit(2)
		}
		if !ok {
			os.Exit(1)
		}
		return
	}
	c, err := read(os.Stdin, os.Stdout, *trim)
	if err == nil && *record != "" {
		err = appendRecord(*record, c.record(*stage))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(2)
	}
	if !c.ok() {
		os.Exit(1)
	}
}

// event is one line of go test -json (cmd/test2json), build events
// included.
type event struct {
	Action      string
	Package     string
	Test        string
	Output      string
	ImportPath  string
	FailedBuild string
}

// Counts is what one go test run counted.
type Counts struct {
	Packages       int      // packages go test reported on
	NoTestFiles    int      // of which without test files
	FailedPackages int      // of which failed (a build failure included)
	Passed         int      // tests, subtests and examples that passed
	Failed         int      // that failed (a test left unfinished by its package's failure included)
	Skipped        int      // that were skipped
	FailedTests    []string // the failures to look at: "pkg TestX/sub", "pkg [build failed]"
	SkippedTests   []string // what was skipped and why: "pkg TestX (its t.Skip message)"
	Events         int      // go test JSON lines read
}

func (c *Counts) ok() bool { return c.Events > 0 && c.Failed == 0 && c.FailedPackages == 0 }

// record is c as a line of the report file.
func (c *Counts) record(stage string) string {
	return strings.Join([]string{
		"tests", clean(stage), strconv.Itoa(c.Packages), strconv.Itoa(c.NoTestFiles),
		strconv.Itoa(c.Passed), strconv.Itoa(c.Failed), strconv.Itoa(c.Skipped), clean(strings.Join(c.FailedTests, ", ")),
	}, "\t")
}

// clean keeps a field on its line of the report file.
func clean(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}

// test is one test's state while its package runs.
type test struct {
	name   string
	done   bool
	failed bool
	child  bool // a subtest of it failed
}

// line is one line of a package's output, of one of its tests or (test
// nil) of the package itself.
type line struct {
	test *test
	text string
}

// pkg is one package's state while it runs.
type pkg struct {
	lines []line // in the order they came: a parent's "--- FAIL" follows its subtests'
	tests map[string]*test
	order []*test
}

func (p *pkg) test(name string) *test {
	t := p.tests[name]
	if t == nil {
		t = &test{name: name}
		p.tests[name] = t
		p.order = append(p.order, t)
	}
	return t
}

// read reads go test -json from r and writes the report of it to out.
func read(r io.Reader, out io.Writer, trim string) (*Counts, error) {
	c := &Counts{}
	pkgs := map[string]*pkg{}
	get := func(name string) *pkg {
		p := pkgs[name]
		if p == nil {
			p = &pkg{tests: map[string]*test{}}
			pkgs[name] = p
		}
		return p
	}
	w := bufio.NewWriter(out)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil || e.Action == "" {
			fmt.Fprintf(w, "%s\n", line) // the go command's own words
			_ = w.Flush()
			continue
		}
		c.Events++
		switch {
		case e.Action == "build-output":
			fmt.Fprint(w, e.Output)
		case e.Action == "build-fail", e.Package == "":
		case e.Test != "":
			testEvent(c, get(e.Package), &e, strings.TrimPrefix(e.Package, trim))
		default:
			if packageEvent(c, w, get(e.Package), &e, trim) {
				delete(pkgs, e.Package)
			}
		}
		_ = w.Flush()
	}
	if err := sc.Err(); err != nil {
		return c, err
	}
	for name, p := range pkgs { // never finished: go test was stopped
		if len(p.order) > 0 {
			if short := strings.TrimPrefix(name, trim); !finishFailed(c, w, p, name, short) {
				c.FailedTests = append(c.FailedTests, short+" (no test failed: see its output)")
			}
			c.Packages++
			c.FailedPackages++
		}
	}
	if c.Events == 0 {
		fmt.Fprintln(w, "testreport: no go test -json output")
	}
	fmt.Fprintf(w, "--- %s\n", c.line())
	return c, w.Flush()
}

// line is c in words.
func (c *Counts) line() string {
	s := fmt.Sprintf("%d packages", c.Packages)
	if c.NoTestFiles > 0 {
		s += fmt.Sprintf(" (%d without tests)", c.NoTestFiles)
	}
	s += fmt.Sprintf(": %d passed, %d failed, %d skipped", c.Passed, c.Failed, c.Skipped)
	if len(c.FailedTests) > 0 {
		s += "; failed: " + strings.Join(c.FailedTests, ", ")
	}
	if len(c.SkippedTests) > 0 {
		s += "; skipped: " + strings.Join(c.SkippedTests, ", ")
	}
	return s
}

func testEvent(c *Counts, p *pkg, e *event, pkgName string) {
	t := p.test(e.Test)
	switch e.Action {
	case "output":
		if !strings.HasPrefix(e.Output, "=== ") { // RUN, PAUSE, CONT, NAME: each test's lines are shown together
			p.lines = append(p.lines, line{t, e.Output})
		}
	case "pass":
		t.done = true
		c.Passed++
	case "skip":
		t.done = true
		c.Skipped++
		c.SkippedTests = append(c.SkippedTests, pkgName+" "+t.name+skipReason(p, t))
	case "fail":
		t.done, t.failed = true, true
		c.Failed++
		for parent := e.Test; ; {
			i := strings.LastIndexByte(parent, '/')
			if i < 0 {
				break
			}
			parent = parent[:i]
			p.test(parent).child = true
		}
	}
}

// skipReason is " (why)" from the last line t wrote before it was
// skipped (its t.Skip message without the file:line), or "".
func skipReason(p *pkg, t *test) string {
	for i := len(p.lines) - 1; i >= 0; i-- {
		l := p.lines[i]
		text := strings.TrimSpace(l.text)
		if l.test != t || text == "" || strings.HasPrefix(text, "--- SKIP") {
			continue
		}
		if _, msg, ok := strings.Cut(text, ": "); ok && strings.Contains(text[:len(text)-len(msg)], ".go:") {
			text = msg
		}
		return " (" + text + ")"
	}
	return ""
}

// packageEvent handles a package-level event and reports whether the
// package finished.
func packageEvent(c *Counts, w io.Writer, p *pkg, e *event, trim string) bool {
	name := strings.TrimPrefix(e.Package, trim)
	switch e.Action {
	case "output":
		p.lines = append(p.lines, line{nil, e.Output})
		return false
	case "skip": // no test files
		c.Packages++
		c.NoTestFiles++
		for _, l := range p.lines {
			if l.test == nil {
				fmt.Fprint(w, strings.Replace(l.text, e.Package, name, 1))
			}
		}
		return true
	case "pass":
		c.Packages++
		for _, l := range p.lines {
			if l.test == nil && strings.HasPrefix(l.text, "ok ") {
				fmt.Fprint(w, strings.Replace(l.text, e.Package, name, 1))
			}
		}
		return true
	case "fail":
		c.Packages++
		c.FailedPackages++
		if e.FailedBuild != "" {
			c.FailedTests = append(c.FailedTests, name+" [build failed]")
		}
		if !finishFailed(c, w, p, e.Package, name) && e.FailedBuild == "" {
			c.FailedTests = append(c.FailedTests, name+" (no test failed: see its output)")
		}
		return true
	}
	return false
}

// finishFailed writes a failed package's story: the output of every test
// that failed or never finished, then the package's own output. It reports
// whether a test failed: a package can fail with none failing (a build
// failure, a panic in TestMain, a timeout between tests).
func finishFailed(c *Counts, w io.Writer, p *pkg, full, name string) bool {
	leaf := false
	for _, t := range p.order {
		if !t.done { // the package died under it (panic, timeout)
			t.failed = true
			c.Failed++
		}
		if t.failed && !t.child {
			leaf = true
			c.FailedTests = append(c.FailedTests, name+" "+t.name)
		}
	}
	for _, l := range p.lines {
		if l.test == nil || l.test.failed {
			fmt.Fprint(w, strings.Replace(l.text, full, name, 1))
		}
	}
	return leaf
}

// appendRecord appends one line to the report file.
func appendRecord(path, line string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(f, line); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// stageReport is one stage of the report file.
type stageReport struct {
	key, title, result string
	seconds            int
	counts             []string
	fails              []string
	tests              Counts
	testRuns           int
}

// summarize prints the report of the file at path and reports whether
// every stage passed.
func summarize(path string, seconds int, out io.Writer) (bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	stages, err := parseReport(string(b))
	if err != nil {
		return false, err
	}
	if len(stages) == 0 {
		return false, errors.New(path + ": no stage ran")
	}
	return writeSummary(stages, seconds, out), nil
}

// parseReport reads the report file's lines, stages in the order they
// started.
func parseReport(text string) ([]*stageReport, error) {
	var stages []*stageReport
	byKey := map[string]*stageReport{}
	get := func(key string) *stageReport {
		s := byKey[key]
		if s == nil {
			s = &stageReport{key: key, title: key, seconds: -1}
			byKey[key] = s
			stages = append(stages, s)
		}
		return s
	}
	for n, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if line == "" {
			continue
		}
		var err error
		f := strings.Split(line, "\t")
		bad := fmt.Errorf("report line %d: %q", n+1, line)
		switch {
		case f[0] == "start" && len(f) == 3:
			get(f[1]).title = f[2]
		case f[0] == "stage" && len(f) == 5:
			s := get(f[1])
			s.title, s.result = f[2], f[4]
			if s.seconds, err = strconv.Atoi(f[3]); err != nil {
				return nil, bad
			}
		case f[0] == "count" && len(f) == 3:
			s := get(f[1])
			s.counts = append(s.counts, f[2])
		case f[0] == "fail" && len(f) == 3:
			s := get(f[1])
			s.fails = append(s.fails, f[2])
		case f[0] == "tests" && len(f) == 8:
			s := get(f[1])
			var v [5]int
			for i := range v {
				if v[i], err = strconv.Atoi(f[2+i]); err != nil {
					return nil, bad
				}
			}
			s.testRuns++
			s.tests.Packages += v[0]
			s.tests.NoTestFiles += v[1]
			s.tests.Passed += v[2]
			s.tests.Failed += v[3]
			s.tests.Skipped += v[4]
			if f[7] != "" {
				s.tests.FailedTests = append(s.tests.FailedTests, strings.Split(f[7], ", ")...)
			}
		default:
			return nil, bad
		}
	}
	return stages, nil
}

// counted is what the stage counted, in words.
func (s *stageReport) counted() string {
	parts := append([]string(nil), s.counts...)
	if s.testRuns > 0 {
		t := s.tests
		t.FailedTests = nil
		parts = append(parts, t.line())
	}
	return strings.Join(parts, "; ")
}

// writeSummary writes the table, the count line and the verdict, and
// reports whether every stage passed.
func writeSummary(stages []*stageReport, seconds int, out io.Writer) bool {
	width := len("stage")
	for _, s := range stages {
		width = max(width, len(s.key))
	}
	var total Counts
	var failed []*stageReport
	fmt.Fprintf(out, "%-*s %6s  %-6s %s\n", width, "stage", "time", "result", "counted")
	for _, s := range stages {
		result := s.result
		switch {
		case result == "":
			result = "FAIL" // started, never finished
			s.fails = append(s.fails, "did not finish")
		case result != "ok":
			result = "FAIL"
		}
		if result != "ok" {
			failed = append(failed, s)
		}
		t := "-"
		if s.seconds >= 0 {
			t = strconv.Itoa(s.seconds) + "s"
		}
		fmt.Fprintf(out, "%-*s %6s  %-6s %s\n", width, s.key, t, result, s.counted())
		total.Passed += s.tests.Passed
		total.Failed += s.tests.Failed
		total.Skipped += s.tests.Skipped
	}
	fmt.Fprintln(out)
	fmt.Fprintf(out, "%d passed, %d failed, %d skipped\n", total.Passed, total.Failed, total.Skipped)
	took := ""
	if seconds >= 0 {
		took = fmt.Sprintf(" (%ds)", seconds)
	}
	if len(failed) == 0 {
		fmt.Fprintf(out, "All checks passed%s.\n", took)
		return true
	}
	fmt.Fprintf(out, "FAILED: %d of %d stages%s:\n", len(failed), len(stages), took)
	for _, s := range failed {
		why := append([]string(nil), s.fails...)
		if len(s.tests.FailedTests) > 0 {
			why = append(why, "failed tests: "+strings.Join(s.tests.FailedTests, ", "))
		}
		if len(why) == 0 {
			why = []string{"see its output above"}
		}
		fmt.Fprintf(out, "  %s: %s\n", s.key, strings.Join(why, "; "))
	}
	return false
}
