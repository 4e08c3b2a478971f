// Command twins keeps the adapter twins honest. echoauth and echov5auth,
// fiberauth and fiberv3auth (and their example apps) are kept as copies on
// purpose: the frameworks' handler types differ in kind, so the shared part
// lives in core/adapterkit and each twin translates its own framework. A fix
// made in one twin only is the risk. For each pair, twins applies the
// mechanical renames to the older twin's Go files, compares the result with
// the newer twin's, and checks the difference against the reviewed one
// committed in tools/twins/<pair>.diff.
//
//	go run ./tools/twins            check every pair (the test command does)
//	go run ./tools/twins -update    rewrite the .diff files after a review
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// pair is two twins and the renames that turn the first into the second.
type pair struct {
	name    string
	a, b    []string // directories, in the same order
	renames [][2]string
}

// pairs are the twins of the repository. Renames apply in order, as plain
// text replacements.
var pairs = []pair{
	{
		name: "echo",
		a:    []string{"echoauth", "examples/echo"},
		b:    []string{"echov5auth", "examples/echov5"},
		renames: [][2]string{
			{"github.com/labstack/echo/v4", "github.com/labstack/echo/v5"},
			{"echo.Context", "*echo.Context"},
			{"echoauth", "echov5auth"},
			{"echo v4", "echo v5"},
		},
	},
	{
		name: "fiber",
		a:    []string{"fiberauth", "examples/fiber"},
		b:    []string{"fiberv3auth", "examples/fiberv3"},
		renames: [][2]string{
			{"github.com/gofiber/fiber/v2", "github.com/gofiber/fiber/v3"},
			{"*fiber.Ctx", "fiber.Ctx"},
			{"fiberauth", "fiberv3auth"},
			{"fiber v2", "fiber v3"},
		},
	},
}

func main() {
	update := flag.Bool("update", false, "rewrite each pair's reviewed difference")
	root := flag.String("root", ".", "the repository root")
	flag.Parse()
	m := compare
	if *update {
		m = record
	}
	if err := check(*root, pairs, m, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "twins:", err)
		os.Exit(1)
	}
}

// mode says whether check compares each pair's difference with the
// reviewed one, or records it as reviewed.
type mode int

const (
	compare mode = iota
	record
)

// check compares (or records) each pair's difference.
func check(root string, pairs []pair, m mode, out io.Writer) error {
	var failed []string
	for _, p := range pairs {
		got, err := p.difference(root)
		if err != nil {
			return err
		}
		file := filepath.Join(root, "tools", "twins", p.name+".diff")
		if m == record {
			if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(out, "twins: %s: wrote %s (%d lines)\n", p.name, file, strings.Count(got, "\n"))
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("%s: %w (run go run ./tools/twins -update, then review the diff)", p.name, err)
		}
		if got == string(want) {
			fmt.Fprintf(out, "twins: %s: %s and %s differ only as reviewed (%d lines)\n", p.name, strings.Join(p.a, ", "), strings.Join(p.b, ", "), strings.Count(got, "\n"))
			continue
		}
		fmt.Fprintf(out, "twins: %s: the twins drifted apart; the change to the reviewed difference:\n%s", p.name, lineDiff(string(want), got))
		failed = append(failed, p.name)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%s: a change landed in one twin only; make it in both, or review the new difference and run go run ./tools/twins -update", strings.Join(failed, ", "))
	}
	return nil
}

// difference is the pair's difference after the renames, file by file.
func (p pair) difference(root string) (string, error) {
	var b strings.Builder
	for i := range p.a {
		names, err := goFiles(filepath.Join(root, p.a[i]), filepath.Join(root, p.b[i]))
		if err != nil {
			return "", err
		}
		for _, n := range names {
			left, err := readOrEmpty(filepath.Join(root, p.a[i], n))
			if err != nil {
				return "", err
			}
			right, err := readOrEmpty(filepath.Join(root, p.b[i], n))
			if err != nil {
				return "", err
			}
			for _, r := range p.renames {
				left = strings.ReplaceAll(left, r[0], r[1])
			}
			if d := lineDiff(left, right); d != "" {
				fmt.Fprintf(&b, "=== %s/%s ~ %s/%s\n%s", p.a[i], n, p.b[i], n, d)
			}
		}
	}
	return b.String(), nil
}

// goFiles lists the .go files of either directory, sorted.
func goFiles(dirs ...string) ([]string, error) {
	var names []string
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if n := e.Name(); strings.HasSuffix(n, ".go") && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

func readOrEmpty(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	return string(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))), err
}

// lineDiff returns the lines only a has ("- ") and only b has ("+ "), in
// order, from a longest common subsequence of lines; "" when equal.
func lineDiff(a, b string) string {
	x, y := splitLines(a), splitLines(b)
	n, m := len(x), len(y)
	// lcs[i][j] is the length of the LCS of x[i:] and y[j:].
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && x[i] == y[j]:
			i, j = i+1, j+1
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			fmt.Fprintf(&out, "- %s\n", x[i])
			i++
		default:
			fmt.Fprintf(&out, "+ %s\n", y[j])
			j++
		}
	}
	return out.String()
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
