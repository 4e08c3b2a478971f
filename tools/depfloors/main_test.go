package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

const testFloors = `# comment
example.com/a  v1.2.3  ADV-1 something
example.com/b  v0.5.0  ADV-2
`

func TestCheckFindsRequirementsBelowFloors(t *testing.T) {
	floors, err := parseFloors([]byte(testFloors))
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", []byte(`module example.com/m

go 1.25.0

require example.com/a v1.2.2

require (
	example.com/b v0.4.9 // indirect
	example.com/c v0.0.1 // indirect
)
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := check(f, floors)
	if len(got) != 2 {
		t.Fatalf("want 2 violations, got %v", got)
	}
	if got[0].Path != "example.com/a" || got[0].Indirect || got[1].Path != "example.com/b" || !got[1].Indirect {
		t.Fatalf("unexpected violations %v", got)
	}
	if s := got[1].String(); !strings.Contains(s, "v0.4.9, below the floor v0.5.0 (ADV-2)") {
		t.Fatalf("message %q", s)
	}
}

func TestCheckAcceptsFloorAndAbove(t *testing.T) {
	floors, _ := parseFloors([]byte(testFloors))
	f, err := modfile.Parse("go.mod", []byte("module example.com/m\n\nrequire (\n\texample.com/a v1.2.3\n\texample.com/b v0.10.0 // indirect\n)\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := check(f, floors); len(got) != 0 {
		t.Fatalf("want none, got %v", got)
	}
}

func TestParseFloorsRejectsBadLines(t *testing.T) {
	for _, bad := range []string{
		"example.com/a v1.2.3\n",                           // no reason
		"example.com/a 1.2.3 ADV\n",                        // not semver
		"example.com/a v1.2 ADV\n",                         // not canonical
		"example.com/a v1.2.3 A\nexample.com/a v1.2.4 B\n", // twice
		"# only comments\n",
	} {
		if _, err := parseFloors([]byte(bad)); err == nil {
			t.Errorf("parseFloors(%q) accepted", bad)
		}
	}
}

func TestRunFailsOnALowRequirement(t *testing.T) {
	dir := t.TempDir()
	floorsPath := filepath.Join(dir, "floors.txt")
	gomod := filepath.Join(dir, "go.mod")
	if err := os.WriteFile(floorsPath, []byte(testFloors), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(gomod, []byte("module example.com/m\n\nrequire example.com/b v0.1.0 // indirect\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run(floorsPath, []string{gomod}, &out)
	if err == nil || !strings.Contains(err.Error(), "requires (indirect) example.com/b v0.1.0, below the floor v0.5.0") {
		t.Fatalf("err = %v", err)
	}
	if err := os.WriteFile(gomod, []byte("module example.com/m\n\nrequire example.com/b v0.5.0 // indirect\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(floorsPath, []string{gomod}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "example.com/b >= v0.5.0 (ADV-2): "+gomod+" v0.5.0") {
		t.Fatalf("output %q", out.String())
	}
}

func TestRepositoryFloorsFileParses(t *testing.T) {
	data, err := os.ReadFile("../../scripts/dependency-floors.txt")
	if err != nil {
		t.Fatal(err)
	}
	floors, err := parseFloors(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range floors {
		if !strings.Contains(f.Reason, "GO-") {
			t.Errorf("%s: reason %q names no advisory id", f.Path, f.Reason)
		}
	}
}
