package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	modzip "golang.org/x/mod/zip"
)

const modulePrefix = "github.com/cognitoauth/cognito-auth-go/"

// libraries are the modules scripts/release.sh tags; every other module of
// go.work must be listed in notLibraries.
var (
	libraries    = []string{"core", "ginauth", "echoauth", "echov5auth", "fiberauth", "fiberv3auth", "nethttpauth", "lambdaauth", "grpcauth", "connectauth", "redisstore", "awscognito", "secretspolicy", "otelauth"}
	notLibraries = []string{"examples", "bench", "tools"}
)

// workspaceModules reads go.work and the go.mod of every module it uses,
// keyed by directory (slash-separated, relative to root).
func workspaceModules(root string) (map[string]*modfile.File, error) {
	workPath := filepath.Join(root, "go.work")
	data, err := os.ReadFile(workPath)
	if err != nil {
		return nil, err
	}
	wf, err := modfile.ParseWork(workPath, data, nil)
	if err != nil {
		return nil, err
	}
	mods := map[string]*modfile.File{}
	for _, u := range wf.Use {
		dir := path.Clean(filepath.ToSlash(u.Path))
		p := filepath.Join(root, filepath.FromSlash(dir), "go.mod")
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		f, err := modfile.Parse(p, data, nil)
		if err != nil {
			return nil, err
		}
		if want := modulePrefix + dir; f.Module == nil || f.Module.Mod.Path != want {
			return nil, fmt.Errorf("%s: module path is not %s", p, want)
		}
		mods[dir] = f
	}
	known := map[string]bool{}
	for _, d := range append(append([]string{}, libraries...), notLibraries...) {
		known[d] = true
		if _, ok := mods[d]; !ok {
			return nil, fmt.Errorf("go.work does not use ./%s", d)
		}
	}
	for d := range mods {
		if !known[d] {
			return nil, fmt.Errorf("go.work uses ./%s, which tools/installtest (and scripts/release.sh) do not know: add it to libraries or notLibraries", d)
		}
	}
	return mods, nil
}

// releasedVersion is the version every module requires its siblings at: the
// version the library modules are (to be) released under. It must be one
// version, and one a stranger can download: not v0.0.0 and not a
// pseudo-version.
func releasedVersion(mods map[string]*modfile.File) (string, error) {
	byVersion := map[string][]string{}
	for dir, f := range mods {
		for _, r := range f.Require {
			if strings.HasPrefix(r.Mod.Path, modulePrefix) {
				byVersion[r.Mod.Version] = append(byVersion[r.Mod.Version], dir+" requires "+strings.TrimPrefix(r.Mod.Path, modulePrefix)+" "+r.Mod.Version)
			}
		}
	}
	if len(byVersion) == 0 {
		return "", errors.New("no module requires a sibling module: nothing says which version is released")
	}
	var unreleasable []string
	for v, reqs := range byVersion {
		if v == "v0.0.0" || module.IsPseudoVersion(v) {
			unreleasable = append(unreleasable, reqs...)
		}
	}
	if len(unreleasable) > 0 {
		sort.Strings(unreleasable)
		return "", fmt.Errorf("modules require their siblings at versions no release can have; outside this repository go.work and the replace lines do not apply, "+
			"so a stranger's go get would look for these versions and fail. Require a released version (scripts/release.sh vX.Y.Z):\n  %s", strings.Join(unreleasable, "\n  "))
	}
	var versions []string
	for v := range byVersion {
		versions = append(versions, v)
		sort.Strings(byVersion[v])
	}
	sort.Strings(versions)
	if len(versions) > 1 {
		var b strings.Builder
		for _, v := range versions {
			fmt.Fprintf(&b, "\n  %s", strings.Join(byVersion[v], "\n  "))
		}
		return "", fmt.Errorf("modules require their siblings at different versions %v (scripts/release.sh sets them all to one):%s", versions, b.String())
	}
	v := versions[0]
	if !semver.IsValid(v) || semver.Canonical(v) != v {
		return "", fmt.Errorf("siblings are required at %s, which is not a canonical semantic version", v)
	}
	return v, nil
}

// info is the .info file of a module proxy.
type info struct {
	Version string
	Time    time.Time
}

// publish writes module modulePrefix+dir at version to a file-based module
// proxy (the GOPROXY protocol as files): @v/list, .info, .mod and .zip. The
// zip holds what the Go command would put in it for a tag of this tree: the
// files git does not ignore, without nested modules, plus the repository's
// LICENSE when the module directory has none. The zip must pass
// checkZipContents (no executable or unknown binary file, at most zipBudget
// bytes). It returns the zip's file names and its size.
func publish(ctx context.Context, root, dir, version, proxy string, at time.Time) ([]string, int64, error) {
	m := module.Version{Path: modulePrefix + dir, Version: version}
	escPath, err := module.EscapePath(m.Path)
	if err != nil {
		return nil, 0, err
	}
	escVersion, err := module.EscapeVersion(m.Version)
	if err != nil {
		return nil, 0, err
	}
	vdir := filepath.Join(proxy, filepath.FromSlash(escPath), "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return nil, 0, err
	}
	gomod, err := os.ReadFile(filepath.Join(root, dir, "go.mod"))
	if err != nil {
		return nil, 0, err
	}
	infoJSON, err := json.Marshal(info{Version: version, Time: at.UTC()})
	if err != nil {
		return nil, 0, err
	}
	files, err := moduleFiles(ctx, root, dir)
	if err != nil {
		return nil, 0, err
	}
	var zbuf bytes.Buffer
	if err := modzip.Create(&zbuf, m, files); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", m, err)
	}
	if err := checkZipContents(dir, zbuf.Bytes(), zipBudget); err != nil {
		return nil, 0, err
	}
	for name, data := range map[string][]byte{
		"list":               []byte(version + "\n"),
		escVersion + ".info": infoJSON,
		escVersion + ".mod":  gomod,
		escVersion + ".zip":  zbuf.Bytes(),
	} {
		if err := os.WriteFile(filepath.Join(vdir, name), data, 0o644); err != nil {
			return nil, 0, err
		}
	}
	checked, err := modzip.CheckZip(m, filepath.Join(vdir, escVersion+".zip"))
	if err != nil {
		return nil, 0, fmt.Errorf("%s: the zip is not a valid module zip: %w", m, err)
	}
	names := make([]string, len(checked.Valid))
	for i, v := range checked.Valid {
		names[i] = strings.TrimPrefix(v, m.Path+"@"+m.Version+"/")
	}
	return names, int64(zbuf.Len()), nil
}

// moduleFiles lists the files of module directory dir that a tag of the
// current tree would carry (tracked or untracked, not ignored by git), with
// the root LICENSE added when dir has none. modzip.Create leaves out the
// files of nested modules.
func moduleFiles(ctx context.Context, root, dir string) ([]modzip.File, error) {
	names, err := gitFiles(ctx, root, dir)
	if err != nil {
		return nil, err
	}
	var files []modzip.File
	seen := map[string]bool{}
	haveLicense := false
	for _, name := range names {
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		p := filepath.Join(root, filepath.FromSlash(name))
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the working tree
		} else if err != nil {
			return nil, err
		}
		rel := strings.TrimPrefix(name, dir+"/")
		if rel == "LICENSE" {
			haveLicense = true
		}
		files = append(files, diskFile{rel: rel, path: p, info: fi})
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("git lists no files under %s", dir)
	}
	if !haveLicense {
		p := filepath.Join(root, "LICENSE")
		fi, err := os.Lstat(p)
		if err != nil {
			return nil, fmt.Errorf("no LICENSE in %s or at the repository root: %w", dir, err)
		}
		files = append(files, diskFile{rel: "LICENSE", path: p, info: fi})
	}
	return files, nil
}

// gitFiles lists the files under dir (slash-separated, relative to root)
// that git does not ignore. The checkout may belong to another user (CI), so
// the repository is marked safe for this command only.
func gitFiles(ctx context.Context, root, dir string) ([]string, error) {
	cmd := exec.CommandContext(ctx, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", dir)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=safe.directory", "GIT_CONFIG_VALUE_0=*")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files %s (the module zips are made from the files git tracks or would track): %w\n%s", dir, err, stderr.Bytes())
	}
	var names []string
	for _, name := range strings.Split(string(out), "\x00") {
		if name != "" {
			names = append(names, name)
		}
	}
	return names, nil
}

// diskFile is a modzip.File read from the working tree.
type diskFile struct {
	rel, path string
	info      os.FileInfo
}

func (f diskFile) Path() string                 { return f.rel }
func (f diskFile) Lstat() (os.FileInfo, error)  { return f.info, nil }
func (f diskFile) Open() (io.ReadCloser, error) { return os.Open(f.path) }
