// Command installtest installs the library the way a stranger does.
//
// It publishes every library module of this checkout to a file-based module
// proxy at the version the modules require their siblings at (read from the
// go.mod files, not from tags, which a clone may lack): the .info, .mod and
// .zip files the Go module proxy would serve once scripts/release.sh has
// tagged that version. Then, in a fresh module outside the repository, with
// GOWORK=off, an empty module cache and that proxy in front of the usual
// GOPROXY, it
//
//   - runs the README's go get, then go get of every library module at the
//     released version;
//   - copies every program under docs/snippets into the module, as a user
//     pasting them would, and builds, vets and lints them (golangci-lint
//     with the repository's configuration);
//   - checks that the modules came from the proxy (no replace, no workspace),
//     prints the consumer's requirements and checks them against
//     scripts/dependency-floors.txt;
//   - runs cognito-local with go run ...@version;
//   - runs every quick start that serves HTTP behind that cognito-local,
//     with a real listener holding their default port 8080: each must
//     listen on cognito-local's HOST (127.0.0.1) and PORT, let a user in
//     and refuse one at /admin.
//
// It works in one directory per checkout under the temporary directory,
// emptied before and after (-keep leaves it). Run it from the repository
// root:
//
//	go run ./tools/installtest [-keep]
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

func main() {
	keep := flag.Bool("keep", false, "keep the temporary directory (proxy, consumer module, module cache)")
	version := flag.String("version", "", "publish the library modules at this version, whatever they require their siblings at: what a stranger would get if this tree were tagged so")
	flag.Parse()
	if err := runWithSignals(settings{root: ".", keep: *keep, version: *version}); err != nil {
		fmt.Fprintln(os.Stderr, "installtest: FAIL:", err)
		os.Exit(1)
	}
}

// settings are the command's flags.
type settings struct {
	root    string // the repository checkout
	keep    bool   // keep the temporary directory
	version string // publish the tree at this version ("": what the siblings require)
}

func runWithSignals(st settings) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	return run(ctx, st, os.Stdout)
}

// run is the whole install test, in the order the package comment gives.
func run(ctx context.Context, st settings, out io.Writer) (err error) {
	start := time.Now()
	golangciLint, err := exec.LookPath("golangci-lint")
	if err != nil {
		return fmt.Errorf("golangci-lint is needed to lint the programs from docs/snippets (scripts/test.sh installs it): %w", err)
	}
	root, err := filepath.Abs(st.root)
	if err != nil {
		return err
	}
	version, err := publishedVersion(root, st.version, out)
	if err != nil {
		return err
	}
	tmp, err := workDir(root)
	if err != nil {
		return err
	}
	defer func() {
		if st.keep {
			fmt.Fprintf(out, "installtest: kept %s\n", tmp)
			return
		}
		if rmErr := removeAll(tmp); rmErr != nil && err == nil {
			err = rmErr
		}
	}()

	proxy := filepath.Join(tmp, "proxy")
	if err := publishLibraries(ctx, root, version, proxy, start, out); err != nil {
		return err
	}
	c := &consumer{dir: filepath.Join(tmp, "consumer"), modcache: filepath.Join(tmp, "modcache"), out: out}
	quickstarts := 0
	for _, step := range []func() error{
		func() error { return c.install(ctx, proxy, version) },
		func() error { return c.buildSnippets(ctx, root) },
		func() error { return c.checkRequirements(ctx, version) },
		func() error { return c.lint(ctx, golangciLint, root) },
		func() error { return c.checkFloors(ctx, root) },
		func() error { return c.runCommands(ctx, version) },
		func() (err error) { quickstarts, err = c.runQuickstarts(ctx); return err },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	// The last line: what scripts/test.sh shows in its table.
	fmt.Fprintf(out, "installtest: ok: %d library modules at %s, %d programs from docs/snippets built, vetted and linted, %d quick starts served behind cognito-local (%s)\n",
		len(libraries), version, len(c.programs), quickstarts, time.Since(start).Round(time.Second))
	return nil
}

// publishedVersion is the version the library modules are published at:
// -version when given, else the one the modules require their siblings at.
func publishedVersion(root, version string, out io.Writer) (string, error) {
	mods, err := workspaceModules(root) // checks go.work against libraries and notLibraries
	if err != nil {
		return "", err
	}
	if version != "" {
		if !semver.IsValid(version) || semver.Canonical(version) != version {
			return "", fmt.Errorf("-version %q is not a canonical semantic version", version)
		}
		fmt.Fprintf(out, "installtest: publishing the library modules at %s (-version), whatever they require their siblings at\n", version)
		return version, nil
	}
	if version, err = releasedVersion(mods); err != nil {
		return "", err
	}
	fmt.Fprintf(out, "installtest: modules require their siblings at %s: publishing the library modules at %s\n", version, version)
	return version, nil
}

// workDir is the temporary directory of the checkout at root, emptied: one
// directory per checkout, at the same path every run, so the build and lint
// caches are reused.
func workDir(root string) (string, error) {
	sum := sha256.Sum256([]byte(root))
	tmp := filepath.Join(os.TempDir(), "cognito-auth-go-installtest-"+hex.EncodeToString(sum[:6]))
	if rel, err := filepath.Rel(root, tmp); err == nil && !strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("the temporary directory %s is inside the repository; set TMPDIR elsewhere", tmp)
	}
	return tmp, removeAll(tmp)
}

// publishLibraries publishes every library module at version to the
// file-based proxy, each zip checked by checkZipContents and checkZipFiles.
func publishLibraries(ctx context.Context, root, version, proxy string, at time.Time, out io.Writer) error {
	for _, dir := range libraries {
		files, size, err := publish(ctx, root, dir, version, proxy, at)
		if err != nil {
			return err
		}
		if err := checkZipFiles(dir, files); err != nil {
			return err
		}
		fmt.Fprintf(out, "  %s@%s: %d files, %d bytes zipped (budget %d)\n", modulePrefix+dir, version, len(files), size, zipBudget)
	}
	return nil
}

// install makes the consumer module and gets the library modules into it:
// the README's go get as written (the latest version), then every library
// module at version.
func (c *consumer) install(ctx context.Context, proxy, version string) error {
	var err error
	if c.env, err = consumerEnv(ctx, proxy, c.modcache); err != nil {
		return err
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "installtest: consumer module %s, GOWORK=off, %s, %s\n", c.dir, envValue(c.env, "GOFLAGS"), envValue(c.env, "GOPROXY"))
	if err := c.goCmd(ctx, "go", "mod", "init", "example.com/consumer"); err != nil {
		return err
	}
	if err := c.goCmd(ctx, "go", "get", modulePrefix+"ginauth"); err != nil {
		return err
	}
	args := []string{"go", "get"}
	for _, dir := range libraries {
		args = append(args, modulePrefix+dir+"@"+version)
	}
	return c.goCmd(ctx, args...)
}

// buildSnippets copies the programs under docs/snippets into the consumer
// module, tidies it, and builds and vets every program.
func (c *consumer) buildSnippets(ctx context.Context, root string) error {
	programs, err := copySnippets(filepath.Join(root, "docs", "snippets"), filepath.Join(c.dir, "cmd"))
	if err != nil {
		return err
	}
	c.programs = programs
	fmt.Fprintf(c.out, "installtest: copied %d programs from docs/snippets: %s\n", len(programs), strings.Join(programs, ", "))
	for _, step := range [][]string{
		{"go", "mod", "tidy"},
		{"go", "build", "-o", "bin/", "./..."},
		{"go", "vet", "./..."},
	} {
		if err := c.goCmd(ctx, step...); err != nil {
			return err
		}
	}
	built, err := os.ReadDir(filepath.Join(c.dir, "bin"))
	if err != nil {
		return err
	}
	if len(built) != len(programs) {
		return fmt.Errorf("built %d programs, want %d", len(built), len(programs))
	}
	for _, b := range built {
		fmt.Fprintf(c.out, "  built %s\n", b.Name())
	}
	return nil
}

// lint runs golangci-lint with the repository's configuration on the
// consumer module.
func (c *consumer) lint(ctx context.Context, golangciLint, root string) error {
	// --allow-serial-runners: wait for, rather than fail beside, another
	// golangci-lint running on the same machine (as scripts/test.sh does).
	lint := exec.CommandContext(ctx, golangciLint, "run", "--allow-serial-runners", "--config", filepath.Join(root, ".golangci.yml"), "./...")
	lint.Dir, lint.Env = c.dir, c.env
	fmt.Fprintf(c.out, "$ golangci-lint run --allow-serial-runners --config %s ./...\n", filepath.Join(root, ".golangci.yml"))
	if b, err := lint.CombinedOutput(); err != nil {
		return fmt.Errorf("golangci-lint on the programs from docs/snippets: %w\n%s", err, b)
	}
	return nil
}

// checkFloors checks the consumer's requirements against
// scripts/dependency-floors.txt (tools/depfloors).
func (c *consumer) checkFloors(ctx context.Context, root string) error {
	floors := exec.CommandContext(ctx, "go", "run", "./tools/depfloors", filepath.Join(c.dir, "go.mod"))
	floors.Dir = root
	b, err := floors.CombinedOutput()
	if err != nil {
		return fmt.Errorf("the consumer's requirements are below the dependency floors:\n%s", b)
	}
	fmt.Fprint(c.out, indent(string(b)))
	return nil
}

// runCommands runs cognito-local and cognito-auth with go run ...@version.
func (c *consumer) runCommands(ctx context.Context, version string) error {
	help, _ := c.output(ctx, "go", "run", modulePrefix+"core/cmd/cognito-local@"+version, "-h")
	if !strings.Contains(help, "Usage of cognito-local:") || !strings.Contains(help, "-upstream") {
		return fmt.Errorf("go run cognito-local@%s -h did not print its usage:\n%s", version, help)
	}
	fmt.Fprintf(c.out, "installtest: go run %score/cmd/cognito-local@%s -h printed its usage:\n%s", modulePrefix, version, indent(firstLines(help, 3)))
	help, _ = c.output(ctx, "go", "run", modulePrefix+"core/cmd/cognito-auth@"+version, "help")
	if !strings.Contains(help, "usage: cognito-auth explain") {
		return fmt.Errorf("go run cognito-auth@%s help did not print its usage:\n%s", version, help)
	}
	fmt.Fprintf(c.out, "installtest: go run %score/cmd/cognito-auth@%s help printed its usage:\n%s", modulePrefix, version, indent(firstLines(help, 1)))
	return nil
}

// checkZipFiles checks what a module zip must (and must not) hold.
func checkZipFiles(dir string, files []string) error {
	has := map[string]bool{}
	for _, f := range files {
		has[f] = true
		if strings.HasSuffix(f, "/go.mod") {
			return fmt.Errorf("%s zip holds a nested module's %s", dir, f)
		}
	}
	want := []string{"LICENSE", "go.mod"}
	if dir == "core" {
		want = append(want, "cmd/cognito-local/main.go", "cmd/cognito-auth/main.go", "cognitotest/issuer.go", "hostedui/hostedui.go")
	}
	for _, w := range want {
		if !has[w] {
			return fmt.Errorf("%s zip lacks %s", dir, w)
		}
	}
	return nil
}

// consumerEnv is the environment of a stranger's module: no workspace, an
// empty module cache, the proxy of this checkout first, then the local module
// cache and the configured GOPROXY for everything else. The checksum database
// is skipped only for this repository's modules, which it cannot know yet.
func consumerEnv(ctx context.Context, proxy, modcache string) ([]string, error) {
	goenv := func(name string) (string, error) {
		b, err := exec.CommandContext(ctx, "go", "env", name).Output()
		return strings.TrimSpace(string(b)), err
	}
	upstream, err := goenv("GOPROXY")
	if err != nil {
		return nil, err
	}
	proxies := []string{fileURL(proxy)}
	if cache, err := goenv("GOMODCACHE"); err == nil && cache != "" {
		if dl := filepath.Join(cache, "cache", "download"); isDir(dl) {
			proxies = append(proxies, fileURL(dl)) // modules this machine already downloaded
		}
	}
	if upstream != "" && upstream != "off" {
		proxies = append(proxies, upstream)
	}
	drop := map[string]bool{
		"GOWORK": true, "GOFLAGS": true, "GOPROXY": true, "GONOSUMDB": true, "GOPRIVATE": true,
		"GONOPROXY": true, "GOMODCACHE": true, "GOINSECURE": true, "GOENV": true, "GODEBUG": true,
	}
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !drop[k] {
			env = append(env, kv)
		}
	}
	return append(env,
		"GOWORK=off",
		"GOFLAGS=-mod=mod -trimpath", // -trimpath: the build cache is reused although the module cache is new
		"GOENV=off",
		// The build cache is shared, and its module index assumes a module
		// version never changes; the proxy republishes this checkout at the
		// same version after every edit, so the index is turned off.
		"GODEBUG=goindex=0",
		"GOPROXY="+strings.Join(proxies, ","),
		"GONOSUMDB="+strings.TrimSuffix(modulePrefix, "/"),
		"GOMODCACHE="+modcache,
	), nil
}

type consumer struct {
	dir, modcache string
	env           []string
	out           io.Writer
	programs      []string // the programs copied from docs/snippets
}

func (c *consumer) output(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir, cmd.Env = c.dir, c.env
	b, err := cmd.CombinedOutput()
	return string(b), err
}

// goCmd runs a command in the consumer module and shows its output, leaving
// out the "go: downloading" lines and summarising the third-party modules
// added.
func (c *consumer) goCmd(ctx context.Context, args ...string) error {
	fmt.Fprintf(c.out, "$ %s\n", strings.Join(args, " "))
	b, err := c.output(ctx, args...)
	var shown []string
	others := 0
	for _, l := range strings.Split(strings.TrimRight(b, "\n"), "\n") {
		switch {
		case l == "" || strings.HasPrefix(l, "go: downloading "):
		case err == nil && (strings.HasPrefix(l, "go: added ") || strings.HasPrefix(l, "go: upgraded ")) && !strings.Contains(l, modulePrefix):
			others++
		default:
			shown = append(shown, l)
		}
	}
	if others > 0 {
		shown = append(shown, fmt.Sprintf("(and %d third-party modules added or upgraded)", others))
	}
	if len(shown) > 0 {
		fmt.Fprint(c.out, indent(strings.Join(shown, "\n")+"\n"))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// checkRequirements prints the consumer's requirements and checks that every
// library module is required at version and was read from the module cache,
// not from this checkout.
func (c *consumer) checkRequirements(ctx context.Context, version string) error {
	data, err := os.ReadFile(filepath.Join(c.dir, "go.mod"))
	if err != nil {
		return err
	}
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		return err
	}
	if len(f.Replace) > 0 {
		return errors.New("the consumer's go.mod has replace directives")
	}
	fmt.Fprintln(c.out, "installtest: the consumer's go.mod requires:")
	got := map[string]string{}
	indirect := 0
	for _, r := range f.Require {
		got[r.Mod.Path] = r.Mod.Version
		if r.Indirect {
			indirect++
			continue
		}
		fmt.Fprintf(c.out, "  %s %s\n", r.Mod.Path, r.Mod.Version)
	}
	fmt.Fprintf(c.out, "  (and %d indirect requirements; the floored ones among them are listed below)\n", indirect)
	for _, dir := range libraries {
		if v := got[modulePrefix+dir]; v != version {
			return fmt.Errorf("the consumer requires %s at %q, want %s", modulePrefix+dir, v, version)
		}
	}
	list, err := c.output(ctx, "go", "list", "-m", "-f", "{{.Path}} {{.Version}} {{.Dir}}", strings.TrimSuffix(modulePrefix, "/")+"/...")
	if err != nil {
		return fmt.Errorf("go list -m: %w\n%s", err, list)
	}
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(list), "\n") {
		fields := strings.Fields(l)
		if len(fields) != 3 || fields[1] != version || !strings.HasPrefix(fields[2], c.modcache+string(filepath.Separator)) {
			return fmt.Errorf("go list -m: %q is not a module at %s in the consumer's module cache", l, version)
		}
		n++
	}
	if n != len(libraries) {
		return fmt.Errorf("go list -m lists %d of this repository's modules, want %d:\n%s", n, len(libraries), list)
	}
	fmt.Fprintf(c.out, "installtest: all %d modules resolved at %s from the module cache (%s), none from this checkout\n", n, version, c.modcache)
	return nil
}

// removeAll removes dir, including a module cache's read-only directories.
func removeAll(dir string) error {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o755)
		}
		return nil
	})
	return os.RemoveAll(dir)
}

// copySnippets copies every main.go under src to dst/<name>/main.go, name
// being its directory relative to src with "/" replaced by "-".
func copySnippets(src, dst string) ([]string, error) {
	var names []string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		if d.Name() != "main.go" {
			return fmt.Errorf("%s: programs under docs/snippets are one main.go per directory", p)
		}
		rel, err := filepath.Rel(src, filepath.Dir(p))
		if err != nil {
			return err
		}
		name := strings.ReplaceAll(filepath.ToSlash(rel), "/", "-")
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !bytes.HasPrefix(firstCodeLine(data), []byte("package main")) {
			return fmt.Errorf("%s: not package main", p)
		}
		if bytes.Contains(data, []byte("/internal/")) {
			return fmt.Errorf("%s imports an internal package, which a user cannot", p)
		}
		if err := os.MkdirAll(filepath.Join(dst, name), 0o755); err != nil {
			return err
		}
		names = append(names, name)
		return os.WriteFile(filepath.Join(dst, name, "main.go"), data, 0o644)
	})
	sort.Strings(names)
	if err == nil && len(names) == 0 {
		err = fmt.Errorf("no programs under %s", src)
	}
	return names, err
}

func firstCodeLine(src []byte) []byte {
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		l := bytes.TrimSpace(sc.Bytes())
		if len(l) > 0 && !bytes.HasPrefix(l, []byte("//")) {
			return l
		}
	}
	return nil
}

func fileURL(dir string) string { return "file://" + filepath.ToSlash(dir) }

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, _ := strings.Cut(env[i], "="); k == key {
			return key + "=" + v
		}
	}
	return key + " unset"
}

func indent(s string) string {
	if s == "" {
		return ""
	}
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n"
}

func firstLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "")
}
