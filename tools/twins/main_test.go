package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestAFixInOneTwinFails: a reviewed difference passes; the same fix made in
// one twin only fails, naming the pair; recording it makes it pass again.
func TestAFixInOneTwinFails(t *testing.T) {
	root := t.TempDir()
	p := pair{name: "demo", a: []string{"v1"}, b: []string{"v2"}, renames: [][2]string{{"v1", "v2"}}}
	write(t, filepath.Join(root, "v1/auth.go"), "package v1\n\nfunc f() int { return 1 }\n")
	write(t, filepath.Join(root, "v2/auth.go"), "package v2\n\nfunc f() int { return 1 }\n\nfunc g() {} // only in v2\n")
	if err := os.MkdirAll(filepath.Join(root, "tools/twins"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := check(root, []pair{p}, record, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := check(root, []pair{p}, compare, io.Discard); err != nil {
		t.Fatalf("the reviewed difference: %v", err)
	}
	write(t, filepath.Join(root, "v1/auth.go"), "package v1\n\nfunc f() int { return 2 } // fixed here only\n")
	var out strings.Builder
	err := check(root, []pair{p}, compare, &out)
	if err == nil || !strings.Contains(err.Error(), "demo") {
		t.Fatalf("a fix in one twin passed: %v", err)
	}
	if !strings.Contains(out.String(), "return 2") {
		t.Fatalf("the report does not show the change:\n%s", out.String())
	}
	write(t, filepath.Join(root, "v2/auth.go"), "package v2\n\nfunc f() int { return 2 } // fixed here only\n\nfunc g() {} // only in v2\n")
	if err := check(root, []pair{p}, compare, io.Discard); err != nil {
		t.Fatalf("the fix in both twins: %v", err)
	}
}

func TestLineDiff(t *testing.T) {
	if d := lineDiff("a\nb\nc\n", "a\nc\nd\n"); d != "- b\n+ d\n" {
		t.Fatalf("diff %q", d)
	}
	if d := lineDiff("same\n", "same\n"); d != "" {
		t.Fatalf("equal texts differ: %q", d)
	}
}
