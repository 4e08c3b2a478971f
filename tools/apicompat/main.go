// Command apicompat is the compatibility gate of scripts/release.sh: it
// refuses a release whose API breaks a module's previous tag without the
// version bump semantic versioning asks for, and says what broke.
//
//	go run ./tools/apicompat -version vX.Y.Z [-apidiff PATH] core ginauth ...
//
// Run it from the repository root, with the library modules' directories as
// arguments. For each module directory DIR it
//
//  1. finds the previous tag: the highest DIR/vA.B.C below vX.Y.Z (none: a
//     first release, nothing to compare, skipped with a note);
//  2. decides whether the bump allows breaking changes. Semantic versioning:
//     a new major version may break anything; below v1 (v0.x), a minor bump
//     may break too, so only a PATCH bump (v0.1.0 -> v0.1.1) must stay
//     compatible; from v1 on, MINOR and PATCH bumps (v1.2.0 -> v1.3.0 or
//     v1.2.1) must stay compatible. When breaks are allowed the module is not
//     compared;
//  3. skips the module when neither its directory nor those of the sibling
//     modules it uses (its replace lines, transitively) differ from the tag:
//     its API cannot have changed;
//  4. otherwise extracts the previous tag's tree (git archive: offline, and
//     the repository's worktrees are not touched), and compares the module's
//     exported API there and in the working tree with apidiff -m (GOWORK=off:
//     each module with its own go.mod and replace lines). Internal packages
//     are left out by apidiff, main packages (cmd/...) here: neither can be
//     imported. Any incompatible change fails the gate, listed per module.
//
// apidiff (golang.org/x/exp/cmd/apidiff) rather than gorelease: gorelease
// downloads the base version through the module proxy, which does not have
// an unpublished tag and is not reachable offline; apidiff compares two
// loaded trees, so it runs against git tags alone. scripts/release.sh pins
// and installs it.
package main

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

const modulePrefix = "github.com/cognitoauth/cognito-auth-go/"

func main() {
	version := flag.String("version", "", "the version being released, vX.Y.Z")
	apidiff := flag.String("apidiff", "apidiff", "the apidiff command (golang.org/x/exp/cmd/apidiff)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: apicompat -version vX.Y.Z [-apidiff PATH] MODULE_DIR...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *version == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	g := &gate{version: *version, apidiff: *apidiff, out: os.Stdout, trees: map[string]string{}}
	if err := g.run(context.Background(), flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "apicompat:", err)
		os.Exit(1)
	}
}

// breakAllowed reports whether a release of next after prev may break the
// API, and why (or why not).
func breakAllowed(prev, next string) (bool, string) {
	switch {
	case semver.Major(prev) != semver.Major(next):
		return true, "a new major version"
	case semver.Major(next) == "v0" && semver.MajorMinor(prev) != semver.MajorMinor(next):
		return true, "a minor bump below v1"
	case semver.Major(next) == "v0":
		return false, "a patch release below v1: breaking changes need a minor bump"
	default:
		return false, "a minor or patch release from v1 on: breaking changes need a new major version"
	}
}

// previousTag is the highest tag DIR/vA.B.C of tags below version, or "".
func previousTag(tags []string, dir, version string) string {
	best := ""
	for _, t := range tags {
		v, ok := strings.CutPrefix(t, dir+"/")
		if !ok || !semver.IsValid(v) || semver.Compare(v, version) >= 0 {
			continue
		}
		if best == "" || semver.Compare(v, best) > 0 {
			best = v
		}
	}
	return best
}

// gate checks the modules for one release.
type gate struct {
	version, apidiff string
	out              io.Writer
	tmp              string
	trees            map[string]string // commit -> its extracted tree
}

func (g *gate) run(ctx context.Context, dirs []string) error {
	if !semver.IsValid(g.version) {
		return fmt.Errorf("%q is not a semantic version", g.version)
	}
	var err error
	if g.tmp, err = os.MkdirTemp("", "apicompat-"); err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(g.tmp) }()
	tagList, err := git(ctx, "tag", "-l")
	if err != nil {
		return err
	}
	tags := strings.Fields(tagList)
	var broken []string
	for _, dir := range dirs {
		breaks, err := g.check(ctx, dir, previousTag(tags, dir, g.version))
		if err != nil {
			return err
		}
		broken = append(broken, breaks...)
	}
	if len(broken) > 0 {
		return fmt.Errorf("%s breaks the API of the previous release:\n%s\n(semantic versioning: below v1 only a minor bump may break the API, from v1 on only a new major version)",
			g.version, strings.Join(broken, "\n"))
	}
	return nil
}

// check compares module dir's API with its previous tag prev, when the bump
// to g.version does not allow breaking it. It returns one message per module
// that breaks, listing the changes.
func (g *gate) check(ctx context.Context, dir, prev string) ([]string, error) {
	if prev == "" {
		fmt.Fprintf(g.out, "  %s: no earlier tag %s/v*: a first release, nothing to compare\n", dir, dir)
		return nil, nil
	}
	allowed, why := breakAllowed(prev, g.version)
	if allowed {
		fmt.Fprintf(g.out, "  %s: %s -> %s is %s, which may break the API: not compared\n", dir, prev, g.version, why)
		return nil, nil
	}
	unchanged, err := unchangedSince(ctx, dir, dir+"/"+prev)
	if err != nil {
		return nil, err
	}
	if unchanged {
		fmt.Fprintf(g.out, "  %s: compatible with %s/%s (its sources and its sibling modules' are unchanged since)\n", dir, dir, prev)
		return nil, nil
	}
	changes, err := g.incompatible(ctx, dir, dir+"/"+prev)
	if err != nil {
		return nil, fmt.Errorf("%s: comparing with %s/%s: %w", dir, dir, prev, err)
	}
	if len(changes) == 0 {
		fmt.Fprintf(g.out, "  %s: compatible with %s/%s\n", dir, dir, prev)
		return nil, nil
	}
	return []string{fmt.Sprintf("  %s: %s -> %s is %s, but it breaks %s/%s:\n    %s",
		dir, prev, g.version, why, dir, prev, strings.Join(changes, "\n    "))}, nil
}

// unchangedSince reports whether module dir's API cannot have changed since
// tag: no file differs from tag (committed or not, untracked included) in
// dir or in the directories of the sibling modules it uses through replace
// lines, transitively. Its API is a function of those sources and of the
// third-party versions its go.mod (in dir) selects.
func unchangedSince(ctx context.Context, dir, tag string) (bool, error) {
	dirs, err := localModules(dir)
	if err != nil {
		return false, err
	}
	diff, err := git(ctx, append([]string{"diff", "--name-only", tag, "--"}, dirs...)...)
	if err != nil {
		return false, err
	}
	status, err := git(ctx, append([]string{"status", "--porcelain", "--"}, dirs...)...)
	if err != nil {
		return false, err
	}
	return strings.TrimSpace(diff) == "" && strings.TrimSpace(status) == "", nil
}

// localModules is dir and the directories its go.mod replaces modules with
// (paths starting with ./ or ../), transitively, relative to the current
// directory.
func localModules(dir string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	var visit func(d string) error
	visit = func(d string) error {
		d = filepath.Clean(d)
		if seen[d] {
			return nil
		}
		seen[d] = true
		out = append(out, filepath.ToSlash(d))
		p := filepath.Join(d, "go.mod")
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := modfile.Parse(p, data, nil)
		if err != nil {
			return err
		}
		for _, r := range f.Replace {
			if np := r.New.Path; r.New.Version == "" && (strings.HasPrefix(np, "./") || strings.HasPrefix(np, "../")) {
				if err := visit(filepath.Join(d, filepath.FromSlash(np))); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := visit(dir); err != nil {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

// incompatible lists apidiff's incompatible changes from tag's tree to the
// working tree in module dir, leaving out main packages.
func (g *gate) incompatible(ctx context.Context, dir, tag string) ([]string, error) {
	commit, err := git(ctx, "rev-parse", tag+"^{commit}")
	if err != nil {
		return nil, err
	}
	oldRoot, err := g.tree(ctx, strings.TrimSpace(commit))
	if err != nil {
		return nil, err
	}
	oldDir := filepath.Join(oldRoot, filepath.FromSlash(dir))
	modPath := modulePrefix + dir
	oldExport := filepath.Join(g.tmp, strings.ReplaceAll(tag, "/", "-")+".old")
	newExport := filepath.Join(g.tmp, strings.ReplaceAll(tag, "/", "-")+".new")
	if _, err := goCmd(ctx, oldDir, g.apidiff, "-m", "-w", oldExport, modPath); err != nil {
		return nil, fmt.Errorf("the API at %s: %w", tag, err)
	}
	if _, err := goCmd(ctx, dir, g.apidiff, "-m", "-w", newExport, modPath); err != nil {
		return nil, fmt.Errorf("the API in the working tree: %w", err)
	}
	report, err := goCmd(ctx, "", g.apidiff, "-m", "-incompatible", oldExport, newExport)
	if err != nil {
		return nil, err
	}
	mains, err := goCmd(ctx, oldDir, "go", "list", "-e", "-f", `{{if eq .Name "main"}}{{.ImportPath}}{{end}}`, "./...")
	if err != nil {
		return nil, fmt.Errorf("listing the main packages at %s: %w", tag, err)
	}
	return withoutMains(report, modPath, strings.Fields(mains)), nil
}

// withoutMains is apidiff's report, one change per line without the "- ",
// leaving out the changes to main packages, which no one imports.
func withoutMains(report, modPath string, mains []string) []string {
	var out []string
	for _, line := range strings.Split(report, "\n") {
		change, ok := strings.CutPrefix(strings.TrimSpace(line), "- ")
		if !ok {
			continue
		}
		main := false
		for _, m := range mains {
			rel := "." + strings.TrimPrefix(m, modPath) // "./cmd/x"
			if strings.HasPrefix(change, rel+".") || strings.HasPrefix(change, "package "+m+":") || (m == modPath && !strings.HasPrefix(change, "./")) {
				main = true
				break
			}
		}
		if !main {
			out = append(out, change)
		}
	}
	return out
}

// tree extracts commit's tree (git archive) and returns its directory; each
// commit is extracted once.
func (g *gate) tree(ctx context.Context, commit string) (string, error) {
	if dir, ok := g.trees[commit]; ok {
		return dir, nil
	}
	dir := filepath.Join(g.tmp, commit[:12])
	cmd := exec.CommandContext(ctx, "git", "archive", "--format=tar", commit)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git archive %s: %w\n%s", commit, err, stderr.Bytes())
	}
	if err := untar(bytes.NewReader(data), dir); err != nil {
		return "", fmt.Errorf("extracting %s: %w", commit, err)
	}
	g.trees[commit] = dir
	return dir, nil
}

// untar extracts a tar stream's directories, files and symbolic links
// under dir.
func untar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		if rel, err := filepath.Rel(dir, p); err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("%q is outside the tree", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(p, 0o755)
		case tar.TypeReg:
			err = writeFile(p, tr, os.FileMode(h.Mode)&0o755|0o644)
		case tar.TypeSymlink:
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.Symlink(h.Linkname, p)
			}
		}
		if err != nil {
			return err
		}
	}
}

func writeFile(p string, r io.Reader, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// goCmd runs a command in dir ("": the current directory) with GOWORK=off and
// returns its standard output; the error carries its standard error.
func goCmd(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, filterIgnoring(stderr.String()))
	}
	return string(out), nil
}

// filterIgnoring drops apidiff's "Ignoring internal package" notes.
func filterIgnoring(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" && !strings.HasPrefix(l, "Ignoring internal package ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// git runs git in the current directory and returns its standard output.
func git(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return string(out), nil
}
