// Command docstructure checks the built site's structure against the
// Markdown it was built from, so a page that reads well as text but renders
// wrong fails (a heading swallowed by the table before it, for one):
//
//	go run ./tools/docstructure -site SITE_DIR [-docs docs]
//
// For every page of the docs directory (each .md file outside directories
// whose name starts with "."; docs/X.md is built to SITE_DIR/X/index.html,
// index.md and README.md to their directory's index.html) it checks that
//
//   - every ATX heading of the Markdown source ("## Title", outside fenced
//     code blocks and HTML comments; the page's own text, not the files it
//     includes) is an element of the same level (<h2> for "##") with the
//     same text in the built page;
//   - every such heading of level 2 and deeper is in the page's table of
//     contents (mkdocs-material's nav.md-nav--secondary links to its id);
//   - no table cell's text starts with "#": Markdown that became a cell
//     instead of a heading.
//
// Run by scripts/docs.sh after mkdocs build --strict.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func main() {
	site := flag.String("site", "", "the built site (mkdocs build -d DIR)")
	docs := flag.String("docs", "docs", "the Markdown sources (mkdocs' docs_dir)")
	flag.Parse()
	if *site == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: docstructure -site SITE_DIR [-docs DOCS_DIR]")
		os.Exit(2)
	}
	problems, st, err := checkSite(*docs, *site)
	if err != nil {
		fmt.Fprintln(os.Stderr, "docstructure:", err)
		os.Exit(1)
	}
	if len(problems) > 0 {
		fmt.Fprintf(os.Stderr, "docstructure: %d problems in the built site's structure:\n", len(problems))
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, "  "+p)
		}
		os.Exit(1)
	}
	fmt.Printf("docstructure: %d pages, %d headings, %d table cells: every Markdown heading is a heading of its level in the built page and in its table of contents; no table cell starts with #\n",
		st.pages, st.headings, st.cells)
}

// stats counts what checkSite checked.
type stats struct{ pages, headings, cells int }

// checkSite checks every page of docsDir against its built page in siteDir.
func checkSite(docsDir, siteDir string) (problems []string, st stats, err error) {
	var sources []string
	err = filepath.WalkDir(docsDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != docsDir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") {
			sources = append(sources, p)
		}
		return nil
	})
	if err != nil {
		return nil, st, err
	}
	sort.Strings(sources)
	if len(sources) == 0 {
		return nil, st, fmt.Errorf("no Markdown pages under %s", docsDir)
	}
	for _, src := range sources {
		rel, err := filepath.Rel(docsDir, src)
		if err != nil {
			return nil, st, err
		}
		built := filepath.Join(siteDir, builtPath(filepath.ToSlash(rel)))
		md, err := os.ReadFile(src)
		if err != nil {
			return nil, st, err
		}
		page, err := os.ReadFile(built)
		if errors.Is(err, fs.ErrNotExist) {
			problems = append(problems, fmt.Sprintf("%s: not built (no %s)", src, built))
			continue
		} else if err != nil {
			return nil, st, err
		}
		ps, err := checkPage(src, md, page, &st)
		if err != nil {
			return nil, st, fmt.Errorf("%s: %w", built, err)
		}
		problems = append(problems, ps...)
	}
	st.pages = len(sources)
	return problems, st, nil
}

// builtPath is where mkdocs (use_directory_urls, its default) builds page
// rel: a/b.md to a/b/index.html, a/index.md and a/README.md to
// a/index.html.
func builtPath(rel string) string {
	dir, file := filepath.Split(strings.TrimSuffix(rel, ".md"))
	if file == "index" || file == "README" {
		return filepath.Join(dir, "index.html")
	}
	return filepath.Join(dir, file, "index.html")
}

// heading is a heading of the Markdown source or of the built page.
type heading struct {
	level int
	text  string // normalised (see norm)
	raw   string // as written
	line  int    // in the Markdown source
	id    string // in the built page
}

// checkPage checks one page: src names the Markdown source md in messages,
// page is the built HTML.
func checkPage(src string, md, page []byte, st *stats) ([]string, error) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, err
	}
	built, toc, cells := inspect(doc)
	var problems []string
	used := make([]bool, len(built))
	headings := markdownHeadings(md)
	st.headings += len(headings)
	st.cells += len(cells)
	for _, h := range headings {
		i := match(built, used, h)
		if i < 0 {
			problems = append(problems, fmt.Sprintf("%s:%d: heading %q is not an <h%d> of the built page", src, h.line, h.raw, h.level))
			continue
		}
		used[i] = true
		if h.level >= 2 && !toc[built[i].id] {
			problems = append(problems, fmt.Sprintf("%s:%d: heading %q (id %q) is not in the page's table of contents", src, h.line, h.raw, built[i].id))
		}
	}
	for _, c := range cells {
		if strings.HasPrefix(c, "#") {
			problems = append(problems, fmt.Sprintf("%s: a table cell of the built page starts with \"#\" (Markdown that became a table row: a blank line missing before a heading?): %q", src, c))
		}
	}
	return problems, nil
}

// match finds the first unused built heading of h's level and text.
func match(built []heading, used []bool, h heading) int {
	for i, b := range built {
		if !used[i] && b.level == h.level && b.text == h.text {
			return i
		}
	}
	return -1
}

// inspect collects the built page's headings (inside the article, the page's
// content), the ids its table of contents links to, and the text of its
// table cells.
func inspect(doc *html.Node) (headings []heading, toc map[string]bool, cells []string) {
	toc = map[string]bool{}
	var walk func(n *html.Node, inTOC bool)
	walk = func(n *html.Node, inTOC bool) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				headings = append(headings, heading{level: int(n.Data[1] - '0'), text: norm(text(n)), raw: text(n), id: attr(n, "id")})
			case atom.Td, atom.Th:
				cells = append(cells, strings.Join(strings.Fields(text(n)), " "))
			case atom.Nav:
				inTOC = inTOC || strings.Contains(" "+attr(n, "class")+" ", " md-nav--secondary ")
			case atom.A:
				if href := attr(n, "href"); inTOC && strings.HasPrefix(href, "#") {
					toc[strings.TrimPrefix(href, "#")] = true
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inTOC)
		}
	}
	walk(doc, false)
	return headings, toc, cells
}

// text is the text of n, leaving out the headerlink anchors ("¶") the toc
// extension adds to headings.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.A && strings.Contains(" "+attr(n, "class")+" ", " headerlink ") {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

var (
	atxRe     = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	fenceRe   = regexp.MustCompile("^[ \t]*(`{3,}|~{3,})")
	attrsRe   = regexp.MustCompile(`[ \t]*\{[^}]*\}[ \t]*$`)
	linkRe    = regexp.MustCompile(`!?\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])`)
	tagRe     = regexp.MustCompile(`<[^>]+>`)
	dropChars = strings.NewReplacer("`", "", "*", "", "_", "", "\\", "")
)

// markdownHeadings lists the ATX headings of md, outside fenced code blocks
// and HTML comments. Headings indented inside a tab or an admonition (four
// spaces and more) are found too: the line is matched with its indentation
// removed in steps of four.
func markdownHeadings(md []byte) []heading {
	var out []heading
	fence := ""
	inComment := false
	sc := bufio.NewScanner(bytes.NewReader(md))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case inComment:
			inComment = !strings.Contains(line, "-->")
			continue
		case fence != "":
			if m := fenceRe.FindStringSubmatch(line); m != nil && strings.HasPrefix(m[1], fence) && strings.TrimSpace(line) == m[1] {
				fence = ""
			}
			continue
		}
		if m := fenceRe.FindStringSubmatch(line); m != nil {
			fence = m[1]
			continue
		}
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "<!--") {
			inComment = !strings.Contains(t, "-->")
			continue
		}
		for strings.HasPrefix(line, "    ") {
			line = line[4:]
		}
		m := atxRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		raw := strings.TrimSpace(line)
		out = append(out, heading{level: len(m[1]), text: norm(m[2]), raw: raw, line: n})
	}
	return out
}

// norm is a heading's text for comparison: Markdown and HTML markup, attribute
// lists and entities removed, spaces collapsed. Applied to both sides.
func norm(s string) string {
	s = attrsRe.ReplaceAllString(s, "")
	s = linkRe.ReplaceAllString(s, "$1")
	s = tagRe.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	s = dropChars.Replace(s)
	return strings.Join(strings.Fields(s), " ")
}
