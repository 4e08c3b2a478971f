// Command docgen generates the documentation site's code from the Go
// sources, so the docs cannot drift from the code:
//
//   - docs/snippets/<pkg>/<Example>.md: every Example function (compiled and
//     run by go test, with its checked Output), for pages to include;
//   - docs/api/<pkg>.md: the API reference, from the doc comments;
//   - docs/adapters/<page>.md: each adapter's page, from its README;
//   - in README.md and the adapter READMEs, the code block after each
//     "<!-- snippet: PATH -->" line: the file PATH (a compiled program under
//     docs/snippets, built as a user's own code by tools/installtest).
//
// Run it from the repository root. With -check it writes nothing and fails
// when a generated file is missing, stale or no longer generated.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/doc"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// packages documented, as directories relative to the repository root.
var packages = []string{
	"core", "core/cognitotest", "core/scope", "core/conformance", "core/hostedui", "core/adapterkit", "core/m2m", "core/live",
	"ginauth", "echoauth", "echov5auth", "fiberauth", "fiberv3auth", "nethttpauth", "lambdaauth", "lambdaauth/lambdalocal", "grpcauth", "connectauth", "secretspolicy", "redisstore", "awscognito", "otelauth",
}

const modulePrefix = "github.com/cognitoauth/cognito-auth-go/"

func main() {
	check := flag.Bool("check", false, "report stale generated files instead of writing them")
	flag.Parse()
	files, err := generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
	if *check {
		stale := append(compare(files), inlineGo()...)
		if len(stale) > 0 {
			fmt.Fprintln(os.Stderr, "docgen: the docs are stale or hand-write Go (regenerate with: go run ./tools/docgen):")
			for _, s := range stale {
				fmt.Fprintln(os.Stderr, "  "+s)
			}
			os.Exit(1)
		}
		fmt.Printf("docgen: %d generated files are current\n", len(files))
		return
	}
	if err := write(files); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
	fmt.Printf("docgen: wrote %d files\n", len(files))
}

// generatedDirs hold only generated files.
var generatedDirs = []string{"docs/.snippets", "docs/api", "docs/adapters"}

// adapterPages are built from each adapter's README: the Signature section is
// regenerated from the package, the README's hand-written Example section is
// replaced by the compiled Examples and the example app.
var adapterPages = []struct{ page, module, app, extra string }{
	{"gin", "ginauth", "gin", ""},
	{"echo", "echoauth", "echo", ""},
	{"fiber", "fiberauth", "fiber", ""},
	{"echov5", "echov5auth", "echov5", ""},
	{"fiberv3", "fiberv3auth", "fiberv3", ""},
	{"nethttp", "nethttpauth", "nethttp", "\n## chi\n\n`ProtectApp` and `RequireAuth` have chi's middleware shape (`r.Use(auth.ProtectApp)`, `r.With(auth.RequireAuth(...))`); the adapters' conformance suite runs against chi too. The chi example app:\n\n```go\n--8<-- \"examples/chi/main.go\"\n```\n"},
	{"lambda", "lambdaauth", "lambda", ""},
}

func generate() (map[string][]byte, error) {
	out := map[string][]byte{}
	var index bytes.Buffer
	index.WriteString(header("API reference") + "# API reference\n\nGenerated from the Go doc comments of each package.\n\n| package | summary |\n|---|---|\n")
	for _, dir := range packages {
		fset := token.NewFileSet()
		src, tests, err := parseDir(fset, dir)
		if err != nil {
			return nil, err
		}
		sortFiles(fset, src)
		sortFiles(fset, tests)
		dp, err := doc.NewFromFiles(fset, src, modulePrefix+dir)
		if err != nil {
			return nil, err
		}
		slug := strings.ReplaceAll(dir, "/", "-")
		out["docs/api/"+slug+".md"] = apiPage(fset, dp, dir)
		fmt.Fprintf(&index, "| [`%s`](%s.md) | %s |\n", dir, slug, dp.Synopsis(dp.Doc))
		for _, ex := range doc.Examples(tests...) {
			b, err := exampleSnippet(fset, ex)
			if err != nil {
				return nil, fmt.Errorf("%s: Example%s: %w", dir, ex.Name, err)
			}
			exName := "Example"
			if ex.Name != "" {
				exName += "_" + ex.Name
			}
			out["docs/.snippets/"+slug+"/"+exName+".md"] = b
		}
	}
	out["docs/api/index.md"] = index.Bytes()
	for _, readme := range snippetReadmes() {
		b, err := os.ReadFile(readme)
		if err != nil {
			return nil, err
		}
		synced, err := syncSnippets(readme, string(b))
		if err != nil {
			return nil, err
		}
		out[readme] = []byte(synced)
	}
	for _, ap := range adapterPages {
		readme := ap.module + "/README.md"
		md, ok := out[readme]
		if !ok {
			return nil, fmt.Errorf("%s was not read", readme)
		}
		sig, err := signatures(ap.module)
		if err != nil {
			return nil, err
		}
		synced, err := syncSignature(readme, string(md), sig)
		if err != nil {
			return nil, err
		}
		out[readme] = []byte(synced)
		page, err := adapterPage(ap.module, ap.app, ap.extra, out)
		if err != nil {
			return nil, err
		}
		out["docs/adapters/"+ap.page+".md"] = page
	}
	codes, err := codeTable("core")
	if err != nil {
		return nil, err
	}
	out["docs/.snippets/core/codes.md"] = codes
	return out, nil
}

// codeTable lists every core.Code constant with its value and comment.
func codeTable(dir string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join(dir, "errors.go"), nil, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("<!-- Generated by tools/docgen from core/errors.go. Do not edit. -->\n| code | constant | meaning |\n|---|---|---|\n")
	n := 0
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" || len(vs.Values) != 1 {
				continue
			}
			lit, ok := vs.Values[0].(*ast.BasicLit)
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", strings.Trim(lit.Value, `"`), vs.Names[0].Name, strings.TrimSpace(vs.Comment.Text()))
			n++
		}
	}
	if n == 0 {
		return nil, errors.New("no Code constants found in core/errors.go")
	}
	return b.Bytes(), nil
}

// parseDir parses the Go files of one directory, split into package sources
// and test files, in name order.
func parseDir(fset *token.FileSet, dir string) (src, tests []*ast.File, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.ParseComments)
		if err != nil {
			return nil, nil, err
		}
		if strings.HasSuffix(e.Name(), "_test.go") {
			tests = append(tests, f)
		} else {
			src = append(src, f)
		}
	}
	return src, tests, nil
}

func sortFiles(fset *token.FileSet, files []*ast.File) {
	sort.Slice(files, func(i, j int) bool { return fset.File(files[i].Pos()).Name() < fset.File(files[j].Pos()).Name() })
}

func header(title string) string {
	return "<!-- Generated by tools/docgen from the Go sources. Do not edit. -->\n"
}

// exampleSnippet renders an Example's body and its checked output.
func exampleSnippet(fset *token.FileSet, ex *doc.Example) ([]byte, error) {
	var code bytes.Buffer
	if err := printer.Fprint(&code, fset, &printer.CommentedNode{Node: ex.Code, Comments: ex.Comments}); err != nil {
		return nil, err
	}
	body := code.String()
	if blk, ok := ex.Code.(*ast.BlockStmt); ok && blk != nil {
		body = strings.TrimSpace(body)
		body = strings.TrimSuffix(strings.TrimPrefix(body, "{"), "}")
		body = dedent(body)
	}
	if formatted, err := format.Source([]byte(body)); err == nil {
		body = string(formatted)
	}
	var b bytes.Buffer
	b.WriteString("<!-- Generated by tools/docgen from an Example function (run by go test). Do not edit. -->\n")
	b.WriteString("```go\n" + strings.TrimSpace(body) + "\n```\n")
	if ex.Output != "" || ex.EmptyOutput {
		b.WriteString("\nOutput:\n\n```text\n" + strings.TrimRight(ex.Output, "\n") + "\n```\n")
	}
	return b.Bytes(), nil
}

func dedent(s string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "\t")
	}
	return strings.Join(lines, "\n")
}

// apiPage renders a package's reference page.
func apiPage(fset *token.FileSet, p *doc.Package, dir string) []byte {
	var b bytes.Buffer
	b.WriteString(header(dir))
	fmt.Fprintf(&b, "# %s\n\n```go\nimport \"%s%s\"\n```\n\n", dir, modulePrefix, dir)
	b.WriteString(docText(p.Doc))
	decl := func(n ast.Node) {
		var c bytes.Buffer
		cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
		_ = cfg.Fprint(&c, fset, n)
		b.WriteString("```go\n" + c.String() + "\n```\n\n")
	}
	if len(p.Consts) > 0 {
		b.WriteString("## Constants\n\n")
		for _, v := range p.Consts {
			decl(v.Decl)
			b.WriteString(docText(v.Doc))
		}
	}
	if len(p.Vars) > 0 {
		b.WriteString("## Variables\n\n")
		for _, v := range p.Vars {
			decl(v.Decl)
			b.WriteString(docText(v.Doc))
		}
	}
	if len(p.Funcs) > 0 {
		b.WriteString("## Functions\n\n")
		for _, f := range p.Funcs {
			fmt.Fprintf(&b, "### func %s\n\n", f.Name)
			decl(f.Decl)
			b.WriteString(docText(f.Doc))
		}
	}
	if len(p.Types) > 0 {
		b.WriteString("## Types\n\n")
	}
	for _, t := range p.Types {
		fmt.Fprintf(&b, "### type %s\n\n", t.Name)
		decl(t.Decl)
		b.WriteString(docText(t.Doc))
		for _, v := range append(t.Consts, t.Vars...) {
			decl(v.Decl)
			b.WriteString(docText(v.Doc))
		}
		for _, f := range t.Funcs {
			fmt.Fprintf(&b, "#### func %s\n\n", f.Name)
			decl(f.Decl)
			b.WriteString(docText(f.Doc))
		}
		for _, m := range t.Methods {
			fmt.Fprintf(&b, "#### func (%s) %s\n\n", strings.TrimPrefix(m.Recv, "*"), m.Name)
			decl(m.Decl)
			b.WriteString(docText(m.Doc))
		}
	}
	return b.Bytes()
}

// docText renders a doc comment as Markdown: code blocks stay code.
func docText(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	var p doc.Package
	pr := p.Printer()
	pr.HeadingLevel = 5
	return string(pr.Markdown(p.Parser().Parse(s))) + "\n"
}

func compare(files map[string][]byte) []string {
	var stale []string
	for path, want := range files {
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, want) {
			stale = append(stale, path)
		}
	}
	for _, dir := range generatedDirs {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if _, ok := files[filepath.ToSlash(path)]; !ok {
					stale = append(stale, path+" (no longer generated)")
				}
			}
			return nil
		})
	}
	sort.Strings(stale)
	return stale
}

func write(files map[string][]byte) error {
	for _, dir := range generatedDirs {
		if err := os.RemoveAll(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	for path, b := range files {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// snippetReadmes are the READMEs whose code blocks may come from files.
func snippetReadmes() []string {
	out := []string{"README.md"}
	for _, ap := range adapterPages {
		out = append(out, ap.module+"/README.md")
	}
	return out
}

// syncSignature replaces the code block of a README's "## Signature"
// section with sig, generated from the package, so it cannot drift.
func syncSignature(name, md, sig string) (string, error) {
	const head = "## Signature\n\n```go\n"
	i := strings.Index(md, head)
	if i < 0 {
		return "", fmt.Errorf("%s has no \"## Signature\" section with a Go code block", name)
	}
	start := i + len(head)
	end := strings.Index(md[start:], "```\n")
	if end < 0 {
		return "", fmt.Errorf("%s: unterminated Signature code block", name)
	}
	return md[:start] + sig + md[start+end:], nil
}

const snippetMarker = "<!-- snippet: "

// syncSnippets replaces the fenced code block after each
// "<!-- snippet: PATH -->" line of a Markdown file with the file PATH.
func syncSnippets(name, md string) (string, error) {
	lines := strings.SplitAfter(md, "\n")
	var b strings.Builder
	for i := 0; i < len(lines); i++ {
		b.WriteString(lines[i])
		path, ok := snippetPath(lines[i])
		if !ok {
			continue
		}
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "```") {
			return "", fmt.Errorf("%s:%d: %s must be followed by a fenced code block", name, i+1, strings.TrimSpace(lines[i]))
		}
		code, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
		b.WriteString(lines[i+1])
		j := i + 2
		for j < len(lines) && strings.TrimRight(lines[j], "\n") != "```" {
			j++
		}
		if j == len(lines) {
			return "", fmt.Errorf("%s:%d: unterminated code block", name, i+2)
		}
		b.Write(code)
		b.WriteString(lines[j])
		i = j
	}
	return b.String(), nil
}

// snippetPath reads a "<!-- snippet: PATH -->" line.
func snippetPath(line string) (string, bool) {
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, snippetMarker) || !strings.HasSuffix(t, "-->") {
		return "", false
	}
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(t, snippetMarker), "-->")), true
}

// includeSnippets turns each "<!-- snippet: PATH -->" line and the code block
// after it (already synced) into a code block that includes PATH with
// pymdownx.snippets, so the site embeds the file itself.
func includeSnippets(md string) string {
	lines := strings.SplitAfter(md, "\n")
	var b strings.Builder
	for i := 0; i < len(lines); i++ {
		path, ok := snippetPath(lines[i])
		if !ok {
			b.WriteString(lines[i])
			continue
		}
		b.WriteString(lines[i+1] + "--8<-- \"" + path + "\"\n")
		j := i + 2
		for j < len(lines) && strings.TrimRight(lines[j], "\n") != "```" {
			j++
		}
		if j < len(lines) {
			b.WriteString(lines[j])
		}
		i = j
	}
	return b.String()
}

// adapterPage builds an adapter's docs page from its README (as synced in
// generated).
func adapterPage(module, app, extra string, generated map[string][]byte) ([]byte, error) {
	readme, ok := generated[module+"/README.md"]
	if !ok {
		return nil, fmt.Errorf("%s/README.md was not read", module)
	}
	sig, err := signatures(module)
	if err != nil {
		return nil, err
	}
	sections := splitSections(string(readme))
	var b strings.Builder
	b.WriteString("<!-- Generated by tools/docgen from " + module + "/README.md and the Go sources. Do not edit. -->\n")
	for _, sec := range sections {
		switch sec.title {
		case "Example":
			continue
		case "Signature":
			blankLine(&b)
			b.WriteString("## Signature\n\n```go\n" + sig + "```\n\n")
		case "": // the text before the first "## " heading, after the generated comment
			b.WriteString(includeSnippets(sec.text))
		default:
			blankLine(&b)
			b.WriteString(includeSnippets(sec.text))
		}
	}
	// A README's last section may end right after a table: without a blank
	// line the heading would be read as the table's last row.
	blankLine(&b)
	b.WriteString("## Runnable examples\n\nCompiled and run by `go test`, output checked:\n\n")
	var names []string
	prefix := "docs/.snippets/" + module + "/"
	for path := range generated {
		if strings.HasPrefix(path, prefix) {
			names = append(names, path)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		b.WriteString("--8<-- \"" + n + "\"\n\n")
	}
	b.WriteString("## The example app\n\nThe complete reference app (it imports the repository's own `examples/internal/demo` for its pages, so copy the quick start above rather than this), built and run by the end-to-end test (`examples/" + app + "`):\n\n```go\n--8<-- \"examples/" + app + "/main.go\"\n```\n")
	b.WriteString(extra)
	blankLine(&b)
	b.WriteString("## Reference\n\n[API reference for `" + module + "`](../api/" + module + ".md).\n")
	return []byte(b.String()), nil
}

// blankLine ends b with a blank line (unless b is empty or already does), so
// that what follows, a heading above all, starts a new block: after a table
// or a paragraph, Markdown would otherwise continue them.
func blankLine(b *strings.Builder) {
	s := b.String()
	switch {
	case s == "" || strings.HasSuffix(s, "\n\n"):
	case strings.HasSuffix(s, "\n"):
		b.WriteString("\n")
	default:
		b.WriteString("\n\n")
	}
}

type section struct{ title, text string }

// splitSections splits Markdown at level-2 headings; the first section is the
// text before any.
func splitSections(md string) []section {
	var out []section
	cur := section{}
	for _, line := range strings.SplitAfter(md, "\n") {
		if strings.HasPrefix(line, "## ") {
			out = append(out, cur)
			cur = section{title: strings.TrimSpace(strings.TrimPrefix(line, "## "))}
		}
		cur.text += line
	}
	return append(out, cur)
}

// signatures lists the exported functions and methods of a package.
func signatures(dir string) (string, error) {
	fset := token.NewFileSet()
	files, _, err := parseDir(fset, dir)
	if err != nil {
		return "", err
	}
	dp, err := doc.NewFromFiles(fset, files, modulePrefix+dir)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	print := func(f *doc.Func) {
		decl := *f.Decl
		decl.Doc, decl.Body = nil, nil
		_ = printer.Fprint(&b, fset, &decl)
		b.WriteString("\n")
	}
	for _, f := range dp.Funcs {
		print(f)
	}
	for _, t := range dp.Types {
		for _, f := range t.Funcs {
			print(f)
		}
		for _, m := range t.Methods {
			print(m)
		}
		if embedsCoreAdapter(t) {
			fmt.Fprintf(&b, "// promoted from the embedded core.Adapter:\nfunc (a *%s) Base() *core.BaseAuth\nfunc (a *%s) Bypassed(path string) bool\nfunc (a *%s) Close() error\n", t.Name, t.Name, t.Name)
		}
	}
	return b.String(), nil
}

// inlineGo reports hand-written Go code blocks in the docs: every Go block
// must be a snippet include of compiled code.
func inlineGo() []string {
	var bad []string
	_ = filepath.WalkDir("docs", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			bad = append(bad, err.Error())
			return nil
		}
		if d.IsDir() || !strings.HasSuffix(path, ".md") {
			return nil
		}
		for _, g := range generatedDirs {
			if strings.HasPrefix(filepath.ToSlash(path), g+"/") {
				return nil // generated from compiled code
			}
		}
		data, _ := os.ReadFile(path)
		in := false
		for i, line := range strings.Split(string(data), "\n") {
			t := strings.TrimSpace(line)
			switch {
			case !in && strings.HasPrefix(t, "```go"):
				in = true
			case in && strings.HasPrefix(t, "```"):
				in = false
			case in && t != "" && !strings.HasPrefix(t, "--8<--"):
				bad = append(bad, fmt.Sprintf("%s:%d: hand-written Go in the docs (include an Example or example app instead)", path, i+1))
				in = false
			}
		}
		return nil
	})
	return bad
}

// embedsCoreAdapter reports whether a struct type embeds core.Adapter.
func embedsCoreAdapter(t *doc.Type) bool {
	for _, spec := range t.Decl.Specs {
		ts, ok := spec.(*ast.TypeSpec)
		if !ok {
			continue
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			continue
		}
		for _, f := range st.Fields.List {
			if sel, ok := f.Type.(*ast.SelectorExpr); ok && len(f.Names) == 0 && sel.Sel.Name == "Adapter" {
				return true
			}
		}
	}
	return false
}
