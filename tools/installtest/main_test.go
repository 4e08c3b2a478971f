package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/modfile"
)

func parseMods(t *testing.T, gomods map[string]string) map[string]*modfile.File {
	t.Helper()
	mods := map[string]*modfile.File{}
	for dir, src := range gomods {
		f, err := modfile.Parse(dir+"/go.mod", []byte(src), nil)
		if err != nil {
			t.Fatal(err)
		}
		mods[dir] = f
	}
	return mods
}

func TestReleasedVersion(t *testing.T) {
	const core = "module " + modulePrefix + "core\n"
	mod := func(dir, require string) string {
		return "module " + modulePrefix + dir + "\n\nrequire " + modulePrefix + "core " + require + "\n\nreplace " + modulePrefix + "core => ../core\n"
	}
	for _, tc := range []struct {
		name    string
		mods    map[string]string
		want    string
		wantErr string
	}{
		{"released", map[string]string{"core": core, "ginauth": mod("ginauth", "v0.1.0"), "echoauth": mod("echoauth", "v0.1.0")}, "v0.1.0", ""},
		{"v0.0.0", map[string]string{"core": core, "ginauth": mod("ginauth", "v0.0.0")}, "", "versions no release can have"},
		{"zero pseudo-version", map[string]string{"core": core, "bench": mod("bench", "v0.0.0-00010101000000-000000000000")}, "", "versions no release can have"},
		{"mixed", map[string]string{"core": core, "ginauth": mod("ginauth", "v0.1.0"), "echoauth": mod("echoauth", "v0.2.0")}, "", "different versions"},
		{"none", map[string]string{"core": core}, "", "no module requires a sibling"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := releasedVersion(parseMods(t, tc.mods))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// The repository itself: one released version, and the zips a proxy would
// serve for it carry the LICENSE and, for core, cognito-local.
func TestRepositoryModulesPublish(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	mods, err := workspaceModules(root)
	if err != nil {
		t.Fatal(err)
	}
	version, err := releasedVersion(mods)
	if err != nil {
		t.Fatal(err)
	}
	proxy := t.TempDir()
	for _, dir := range []string{"core", "ginauth"} {
		files, size, err := publish(context.Background(), root, dir, version, proxy, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := checkZipFiles(dir, files); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s zip: %d files, %d bytes (budget %d)", dir, len(files), size, zipBudget)
		if dir == "ginauth" && slices.Contains(files, "cmd/cognito-local/main.go") {
			t.Fatalf("ginauth zip holds core's files: %v", files)
		}
	}
	for _, f := range []string{"list", version + ".info", version + ".mod", version + ".zip"} {
		if _, err := os.Stat(filepath.Join(proxy, "github.com", "cognitoauth", "cognito-auth-go", "core", "@v", f)); err != nil {
			t.Error(err)
		}
	}
}

func TestCheckZipFilesRefusesNestedModules(t *testing.T) {
	if err := checkZipFiles("core", []string{"LICENSE", "go.mod", "cmd/cognito-local/main.go", "cognitotest/issuer.go", "hostedui/hostedui.go", "sub/go.mod"}); err == nil {
		t.Fatal("a nested go.mod was accepted")
	}
	if err := checkZipFiles("ginauth", []string{"go.mod"}); err == nil {
		t.Fatal("a zip without LICENSE was accepted")
	}
}

func TestCopySnippetsRefusesInternalImports(t *testing.T) {
	src := t.TempDir()
	if err := os.MkdirAll(filepath.Join(src, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	good := "// Command b.\npackage main\n\nfunc main() {}\n"
	if err := os.WriteFile(filepath.Join(src, "a", "b", "main.go"), []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	names, err := copySnippets(src, t.TempDir())
	if err != nil || !slices.Equal(names, []string{"a-b"}) {
		t.Fatalf("copySnippets = %v, %v", names, err)
	}
	bad := "package main\n\nimport _ \"github.com/cognitoauth/cognito-auth-go/examples/internal/demo\"\n\nfunc main() {}\n"
	if err := os.WriteFile(filepath.Join(src, "a", "b", "main.go"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := copySnippets(src, t.TempDir()); err == nil {
		t.Fatal("an internal import was accepted")
	}
}
