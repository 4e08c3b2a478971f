package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// stream is go test -json output made from (action, package, test, output)
// tuples, with build events for a package named "build:<pkg>".
func stream(t *testing.T, events ...[4]string) string {
	t.Helper()
	var b strings.Builder
	for _, e := range events {
		var v any
		if pkg, ok := strings.CutPrefix(e[1], "build:"); ok {
			v = map[string]string{"ImportPath": pkg + " [" + pkg + ".test]", "Action": e[0], "Output": e[3]}
		} else {
			m := map[string]string{"Action": e[0], "Package": e[1]}
			if e[2] != "" {
				m["Test"] = e[2]
			}
			if e[3] != "" {
				m["Output"] = e[3]
			}
			if e[0] == "fail" && strings.HasPrefix(e[3], "build:") {
				delete(m, "Output")
				m["FailedBuild"] = e[1] + " [" + e[1] + ".test]"
			}
			v = m
		}
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

const mod = "example.com/m/"

func TestReadCountsAndShowsOnlyFailures(t *testing.T) {
	in := stream(t,
		[4]string{"start", mod + "a", "", ""},
		[4]string{"output", mod + "a", "", "-test.shuffle 42\n"},
		[4]string{"run", mod + "a", "TestA", ""},
		[4]string{"output", mod + "a", "TestA", "=== RUN   TestA\n"},
		[4]string{"output", mod + "a", "TestA", "    a_test.go:3: context of the failure\n"},
		[4]string{"run", mod + "a", "TestA/ok", ""},
		[4]string{"output", mod + "a", "TestA/ok", "    a_test.go:4: quiet when it passes\n"},
		[4]string{"pass", mod + "a", "TestA/ok", ""},
		[4]string{"run", mod + "a", "TestA/bad", ""},
		[4]string{"output", mod + "a", "TestA/bad", "    a_test.go:5: want 1, got 2\n"},
		[4]string{"output", mod + "a", "TestA/bad", "--- FAIL: TestA/bad (0.00s)\n"},
		[4]string{"fail", mod + "a", "TestA/bad", ""},
		[4]string{"output", mod + "a", "TestA", "--- FAIL: TestA (0.00s)\n"},
		[4]string{"fail", mod + "a", "TestA", ""},
		[4]string{"run", mod + "a", "TestSkip", ""},
		[4]string{"output", mod + "a", "TestSkip", "    a_test.go:7: not on this machine\n"},
		[4]string{"output", mod + "a", "TestSkip", "--- SKIP: TestSkip (0.00s)\n"},
		[4]string{"skip", mod + "a", "TestSkip", ""},
		[4]string{"run", mod + "a", "ExampleA", ""},
		[4]string{"pass", mod + "a", "ExampleA", ""},
		[4]string{"output", mod + "a", "", "FAIL\n"},
		[4]string{"output", mod + "a", "", "FAIL\t" + mod + "a\t0.01s\n"},
		[4]string{"fail", mod + "a", "", ""},
		[4]string{"start", mod + "b", "", ""},
		[4]string{"run", mod + "b", "TestB", ""},
		[4]string{"output", mod + "b", "TestB", "    b_test.go:9: never shown\n"},
		[4]string{"pass", mod + "b", "TestB", ""},
		[4]string{"output", mod + "b", "", "PASS\n"},
		[4]string{"output", mod + "b", "", "ok  \t" + mod + "b\t0.02s\n"},
		[4]string{"pass", mod + "b", "", ""},
		[4]string{"start", mod + "c", "", ""},
		[4]string{"output", mod + "c", "", "?   \t" + mod + "c\t[no test files]\n"},
		[4]string{"skip", mod + "c", "", ""},
	)
	in = "go: downloading example.com/dep v1.0.0\n" + in
	var out bytes.Buffer
	c, err := read(strings.NewReader(in), &out, mod)
	if err != nil {
		t.Fatal(err)
	}
	if c.ok() {
		t.Error("a failed test read as a passing run")
	}
	want := Counts{Packages: 3, NoTestFiles: 1, FailedPackages: 1, Passed: 3, Failed: 2, Skipped: 1, FailedTests: []string{"a TestA/bad"}, SkippedTests: []string{"a TestSkip (not on this machine)"}}
	want.Events = c.Events
	if got := *c; got.line() != want.line() || got.FailedPackages != 1 {
		t.Errorf("counted %+v, want %+v", got, want)
	}
	text := out.String()
	for _, s := range []string{
		"go: downloading example.com/dep v1.0.0\n", // the go command's own lines pass through
		"-test.shuffle 42\n",                       // the seed, to run the failure again
		"context of the failure", "want 1, got 2", "--- FAIL: TestA/bad", "--- FAIL: TestA (",
		"FAIL\ta\t0.01s\n", "ok  \tb\t0.02s\n", "?   \tc\t[no test files]\n",
		"--- 3 packages (1 without tests): 3 passed, 2 failed, 1 skipped; failed: a TestA/bad; skipped: a TestSkip (not on this machine)\n",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("output lacks %q:\n%s", s, text)
		}
	}
	for _, s := range []string{"quiet when it passes", "never shown", "=== RUN", "PASS\n"} {
		if strings.Contains(text, s) {
			t.Errorf("output shows %q of a passing test or package:\n%s", s, text)
		}
	}
	if i, j := strings.Index(text, "want 1, got 2"), strings.Index(text, "--- FAIL: TestA ("); i > j {
		t.Errorf("the parent's FAIL line comes before its subtest's output:\n%s", text)
	}
	rec := c.record("race")
	if rec != "tests\trace\t3\t1\t3\t2\t1\ta TestA/bad" {
		t.Errorf("record %q", rec)
	}
}

func TestReadBuildFailureAndPanic(t *testing.T) {
	in := stream(t,
		[4]string{"build-output", "build:" + mod + "p", "", "# " + mod + "p\n"},
		[4]string{"build-output", "build:" + mod + "p", "", "p.go:2:23: cannot use \"s\" as int value\n"},
		[4]string{"build-fail", "build:" + mod + "p", "", ""},
		[4]string{"start", mod + "p", "", ""},
		[4]string{"output", mod + "p", "", "FAIL\t" + mod + "p [build failed]\n"},
		[4]string{"fail", mod + "p", "", "build:"},
		[4]string{"start", mod + "q", "", ""},
		[4]string{"run", mod + "q", "TestHang", ""},
		[4]string{"output", mod + "q", "TestHang", "panic: test timed out after 1s\n"},
		[4]string{"output", mod + "q", "", "FAIL\t" + mod + "q\t1.0s\n"},
		[4]string{"fail", mod + "q", "", ""},
		[4]string{"start", mod + "r", "", ""},
		[4]string{"output", mod + "r", "", "TestMain: cannot start\n"},
		[4]string{"output", mod + "r", "", "FAIL\t" + mod + "r\t0.0s\n"},
		[4]string{"fail", mod + "r", "", ""},
	)
	var out bytes.Buffer
	c, err := read(strings.NewReader(in), &out, mod)
	if err != nil {
		t.Fatal(err)
	}
	if c.ok() || c.FailedPackages != 3 || c.Failed != 1 {
		t.Errorf("counted %+v", c)
	}
	want := "p [build failed], q TestHang, r (no test failed: see its output)"
	if got := strings.Join(c.FailedTests, ", "); got != want {
		t.Errorf("failed %q, want %q", got, want)
	}
	for _, s := range []string{"cannot use \"s\" as int value", "panic: test timed out", "TestMain: cannot start"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %q:\n%s", s, out.String())
		}
	}
}

func TestReadNothingIsAFailure(t *testing.T) {
	var out bytes.Buffer
	c, err := read(strings.NewReader("go: pattern ./...: directory prefix . does not contain main module\n"), &out, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.ok() {
		t.Error("no go test JSON at all read as a passing run")
	}
	if !strings.Contains(out.String(), "does not contain main module") || !strings.Contains(out.String(), "no go test -json output") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestReadStoppedRun(t *testing.T) { // go test killed: the stream ends mid-package
	in := stream(t,
		[4]string{"start", mod + "s", "", ""},
		[4]string{"run", mod + "s", "TestSlow", ""},
		[4]string{"output", mod + "s", "TestSlow", "    s_test.go:1: waiting\n"},
	)
	var out bytes.Buffer
	c, err := read(strings.NewReader(in), &out, mod)
	if err != nil {
		t.Fatal(err)
	}
	if c.ok() || strings.Join(c.FailedTests, ",") != "s TestSlow" || !strings.Contains(out.String(), "waiting") {
		t.Errorf("counted %+v\n%s", c, out.String())
	}
}

func TestSummary(t *testing.T) {
	report := strings.Join([]string{
		"stage\tgofmt\tgofmt\t1\tok",
		"count\tgofmt\t412 files",
		"tests\trace\t10\t2\t100\t0\t3\t",
		"stage\trace\tgo test -race (every module)\t300\tok",
		"tests\tgowork\t4\t0\t40\t1\t0\tcore TestX/y",
		"tests\tgowork\t5\t1\t50\t0\t1\t",
		"fail\tgowork\t./core: tests fail without go.work",
		"stage\tgowork\tmodules on their own\t120\tFAIL",
		"stage\tdocs\tdocumentation site\t20\tFAIL",
		"start\tfuzz\tfuzz targets",
	}, "\n") + "\n"
	stages, err := parseReport(report)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if writeSummary(stages, 441, &out) {
		t.Error("a failed stage summarised as all passed")
	}
	text := out.String()
	for _, s := range []string{
		"stage    time  result counted\n",
		"gofmt      1s  ok     412 files\n",
		"race     300s  ok     10 packages (2 without tests): 100 passed, 0 failed, 3 skipped\n",
		"gowork   120s  FAIL   9 packages (1 without tests): 90 passed, 1 failed, 1 skipped\n",
		"docs      20s  FAIL   \n",
		"fuzz        -  FAIL   \n",
		"\n190 passed, 1 failed, 4 skipped\nFAILED: 3 of 5 stages (441s):\n",
		"  gowork: ./core: tests fail without go.work; failed tests: core TestX/y\n",
		"  docs: see its output above\n",
		"  fuzz: did not finish\n",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("summary lacks %q:\n%s", s, text)
		}
	}

	stages, err = parseReport("stage\tgofmt\tgofmt\t1\tok\ntests\trace\t1\t0\t7\t0\t0\t\nstage\trace\trace\t9\tok\n")
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if !writeSummary(stages, 10, &out) {
		t.Errorf("all passed, summarised as failed:\n%s", out.String())
	}
	if !strings.HasSuffix(out.String(), "\n7 passed, 0 failed, 0 skipped\nAll checks passed (10s).\n") {
		t.Errorf("summary ends:\n%s", out.String())
	}

	for _, bad := range []string{"stage\tx\n", "tests\trace\tmany\t0\t0\t0\t0\t\n", "what\tx\ty\n"} {
		if _, err := parseReport(bad); err == nil {
			t.Errorf("parseReport(%q) accepted it", bad)
		}
	}
}

// TestRealGoTest runs go test -json on a module of passing, failing and
// skipped tests and one that does not build, as the test command does.
func TestRealGoTest(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test")
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":            "module example.com/m\n\ngo 1.25\n",
		"a/a_test.go":       "package a\n\nimport \"testing\"\n\nfunc TestPass(t *testing.T) { t.Run(\"sub\", func(t *testing.T) {}) }\n\nfunc TestFail(t *testing.T) { t.Error(\"the reason\") }\n\nfunc TestSkip(t *testing.T) { t.Skip(\"not here\") }\n",
		"b/b.go":            "package b\n\nfunc F() int { return \"s\" }\n",
		"b/b_test.go":       "package b\n\nimport \"testing\"\n\nfunc TestB(t *testing.T) {}\n",
		"c/c.go":            "package c\n",
		"d/d_test.go":       "package d\n\nimport \"testing\"\n\nfunc TestD(t *testing.T) {}\n",
		"d/example_test.go": "package d\n\nimport \"fmt\"\n\nfunc Example() {\n\tfmt.Println(1)\n\t// Output: 1\n}\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "test", "-json", "-count=1", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	b, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("go test passed:\n%s", b)
	}
	var out bytes.Buffer
	c, err := read(bytes.NewReader(b), &out, "example.com/m/")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(c.FailedTests) // in the order go test finished them
	got := c.line()
	want := "4 packages (1 without tests): 4 passed, 1 failed, 1 skipped; failed: a TestFail, b [build failed]; skipped: a TestSkip (not here)"
	if got != want || c.ok() {
		t.Errorf("counted %q, want %q\n%s", got, want, out.String())
	}
	for _, s := range []string{"the reason", `cannot use "s"`, "ok  \td\t"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %q:\n%s", s, out.String())
		}
	}
}
