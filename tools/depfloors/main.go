// Command depfloors fails when a go.mod file requires a module at a version
// below the minimum listed for it in a floors file (by default
// scripts/dependency-floors.txt): the place where a dependency's advisory is
// recorded, so that no module of the repository, and no consumer of it,
// falls back below the fixed version.
//
//	go run ./tools/depfloors                      # every module of go.work
//	go run ./tools/depfloors path/to/go.mod ...   # the given go.mod files
//
// Run it from the repository root. Each line of the floors file is
// "module minimum reason..."; blank lines and lines starting with # are
// ignored. Both direct and // indirect requirements are checked.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

func main() {
	floorsPath := flag.String("floors", "scripts/dependency-floors.txt", "the floors file")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: depfloors [-floors FILE] [go.mod ...]  (default: every module of go.work)")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(*floorsPath, flag.Args(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "depfloors:", err)
		os.Exit(1)
	}
}

func run(floorsPath string, gomods []string, stdout io.Writer) error {
	data, err := os.ReadFile(floorsPath)
	if err != nil {
		return err
	}
	floors, err := parseFloors(data)
	if err != nil {
		return fmt.Errorf("%s: %w", floorsPath, err)
	}
	if len(gomods) == 0 {
		if gomods, err = workspaceGoMods("go.work"); err != nil {
			return err
		}
	}
	var problems []string
	seen := map[string][]string{} // floored module -> "go.mod: version"
	for _, p := range gomods {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := modfile.ParseLax(p, data, nil)
		if err != nil {
			return err
		}
		for _, v := range check(f, floors) {
			problems = append(problems, p+": "+v.String())
		}
		for _, r := range f.Require {
			if _, ok := floors[r.Mod.Path]; ok {
				seen[r.Mod.Path] = append(seen[r.Mod.Path], fmt.Sprintf("%s %s", p, r.Mod.Version))
			}
		}
	}
	paths := make([]string, 0, len(floors))
	for p := range floors {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fl := floors[p]
		where := "required by none of them"
		if len(seen[p]) > 0 {
			where = strings.Join(seen[p], ", ")
		}
		fmt.Fprintf(stdout, "depfloors: %s >= %s (%s): %s\n", p, fl.Min, fl.Reason, where)
	}
	if len(problems) > 0 {
		return fmt.Errorf("requirements below the floors in %s (raise them: go get MODULE@MINIMUM && go mod tidy, in the module that pulls it in):\n  %s",
			floorsPath, strings.Join(problems, "\n  "))
	}
	fmt.Fprintf(stdout, "depfloors: %d go.mod files, %d floors: every requirement is at or above its floor\n", len(gomods), len(floors))
	return nil
}

// Floor is the lowest acceptable version of one module.
type Floor struct {
	Path   string
	Min    string
	Reason string
}

// parseFloors reads a floors file: "module minimum reason..." per line.
func parseFloors(data []byte) (map[string]Floor, error) {
	floors := map[string]Floor{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 3 {
			return nil, fmt.Errorf("line %d: want \"module minimum reason\", got %q", n, line)
		}
		path, min := fields[0], fields[1]
		if err := module.CheckPath(path); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if !semver.IsValid(min) || semver.Canonical(min) != min {
			return nil, fmt.Errorf("line %d: %q is not a canonical semantic version", n, min)
		}
		if _, dup := floors[path]; dup {
			return nil, fmt.Errorf("line %d: %s listed twice", n, path)
		}
		floors[path] = Floor{Path: path, Min: min, Reason: strings.Join(fields[2:], " ")}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(floors) == 0 {
		return nil, errors.New("no floors listed")
	}
	return floors, nil
}

// Violation is a requirement below its floor.
type Violation struct {
	Path, Version, Min, Reason string
	Indirect                   bool
}

func (v Violation) String() string {
	kind := "requires"
	if v.Indirect {
		kind = "requires (indirect)"
	}
	return fmt.Sprintf("%s %s %s, below the floor %s (%s)", kind, v.Path, v.Version, v.Min, v.Reason)
}

// check lists the requirements of f below their floors.
func check(f *modfile.File, floors map[string]Floor) []Violation {
	var out []Violation
	for _, r := range f.Require {
		fl, ok := floors[r.Mod.Path]
		if !ok || semver.Compare(r.Mod.Version, fl.Min) >= 0 {
			continue
		}
		out = append(out, Violation{Path: r.Mod.Path, Version: r.Mod.Version, Min: fl.Min, Reason: fl.Reason, Indirect: r.Indirect})
	}
	return out
}

// workspaceGoMods lists the go.mod file of every module a go.work uses.
func workspaceGoMods(workPath string) ([]string, error) {
	data, err := os.ReadFile(workPath)
	if err != nil {
		return nil, err
	}
	wf, err := modfile.ParseWork(workPath, data, nil)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, u := range wf.Use {
		out = append(out, filepath.Join(filepath.Dir(workPath), u.Path, "go.mod"))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s uses no modules", workPath)
	}
	return out, nil
}
