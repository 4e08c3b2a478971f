package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// page is a built page the way mkdocs-material lays it out: the table of
// contents in nav.md-nav--secondary, headings with a headerlink.
func page(toc, body string) string {
	return `<!doctype html><html><body><nav class="md-nav md-nav--primary"><a href="#elsewhere">x</a></nav>` +
		`<nav class="md-nav md-nav--secondary" aria-label="Table of contents"><ul>` + toc + `</ul></nav>` +
		`<article class="md-content__inner">` + body + `</article></body></html>`
}

func tocLink(id, text string) string {
	return `<li class="md-nav__item"><a href="#` + id + `" class="md-nav__link">` + text + `</a></li>`
}

func h(level int, id, inner string) string {
	l := string(rune('0' + level))
	return `<h` + l + ` id="` + id + `">` + inner + `<a class="headerlink" href="#` + id + `" title="Permanent link">&para;</a></h` + l + `>`
}

const source = "<!-- Generated. -->\n# `ginauth`\n\nText.\n\n## Config\n\n| option | meaning |\n|---|---|\n| `WithX` | x |\n\n## Runnable examples\n\n" +
	"```sh\n# a shell comment, not a heading\n```\n\n=== \"gin\"\n\n    ### In a tab { #tab-heading }\n\n## [Reference](../api/x.md) &amp; *more*\n"

func TestCheckPage(t *testing.T) {
	good := page(
		tocLink("config", "Config")+tocLink("runnable-examples", "Runnable examples")+tocLink("tab-heading", "In a tab")+tocLink("reference-more", "Reference &amp; more"),
		h(1, "ginauth", "<code>ginauth</code>")+"<p>Text.</p>"+h(2, "config", "Config")+
			"<table><thead><tr><th>option</th><th>meaning</th></tr></thead><tbody><tr><td><code>WithX</code></td><td>x</td></tr></tbody></table>"+
			h(2, "runnable-examples", "Runnable examples")+`<pre><code># a shell comment, not a heading</code></pre>`+
			h(3, "tab-heading", "In a tab")+h(2, "reference-more", `<a href="../api/x/">Reference</a> &amp; <em>more</em>`))
	// The docgen bug: the heading after the table became its last row.
	broken := page(
		tocLink("config", "Config")+tocLink("tab-heading", "In a tab")+tocLink("reference-more", "Reference &amp; more"),
		h(1, "ginauth", "<code>ginauth</code>")+"<p>Text.</p>"+h(2, "config", "Config")+
			"<table><tbody><tr><td><code>WithX</code></td><td>x</td></tr><tr><td>## Runnable examples</td><td></td></tr></tbody></table>"+
			h(3, "tab-heading", "In a tab")+h(2, "reference-more", `<a href="../api/x/">Reference</a> &amp; <em>more</em>`))
	// A heading rendered, but of another level, and one missing from the
	// table of contents.
	wrong := page(
		tocLink("config", "Config")+tocLink("runnable-examples", "Runnable examples")+tocLink("reference-more", "Reference &amp; more"),
		h(1, "ginauth", "<code>ginauth</code>")+h(2, "config", "Config")+h(3, "runnable-examples", "Runnable examples")+
			h(3, "tab-heading", "In a tab")+h(2, "reference-more", `Reference &amp; more`))
	for _, tc := range []struct {
		name, page string
		want       []string
	}{
		{"good", good, nil},
		{"heading in a table", broken, []string{
			`p.md:12: heading "## Runnable examples" is not an <h2> of the built page`,
			`p.md: a table cell of the built page starts with "#"`,
		}},
		{"wrong level, not in the table of contents", wrong, []string{
			`p.md:12: heading "## Runnable examples" is not an <h2> of the built page`,
			`p.md:20: heading "### In a tab { #tab-heading }" (id "tab-heading") is not in the page's table of contents`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var st stats
			got, err := checkPage("p.md", []byte(source), []byte(tc.page), &st)
			if err != nil {
				t.Fatal(err)
			}
			if st.headings != 5 {
				t.Errorf("%d headings found in the source, want 5", st.headings)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("problems:\n  %s\nwant %d:\n  %s", strings.Join(got, "\n  "), len(tc.want), strings.Join(tc.want, "\n  "))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("problem %d = %q, want it to start with %q", i, got[i], w)
				}
			}
		})
	}
}

func TestBuiltPath(t *testing.T) {
	for rel, want := range map[string]string{
		"index.md": "index.html", "api/index.md": "api/index.html", "adapters/gin.md": "adapters/gin/index.html",
		"getting-started.md": "getting-started/index.html", "x/README.md": "x/index.html",
	} {
		if got := filepath.ToSlash(builtPath(rel)); got != want {
			t.Errorf("builtPath(%s) = %s, want %s", rel, got, want)
		}
	}
}

// A page that was not built, and pages under dot directories (included
// snippets, not pages) skipped.
func TestCheckSite(t *testing.T) {
	docs, site := t.TempDir(), t.TempDir()
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(docs, "index.md"), "# Home\n\n## Start\n")
	write(filepath.Join(site, "index.html"), page(tocLink("start", "Start"), h(1, "home", "Home")+h(2, "start", "Start")))
	write(filepath.Join(docs, ".snippets", "x.md"), "## Not a page\n")
	problems, st, err := checkSite(docs, site)
	if err != nil || len(problems) != 0 || st.pages != 1 || st.headings != 2 {
		t.Fatalf("checkSite = %q, %+v, %v; want no problems, 1 page, 2 headings", problems, st, err)
	}
	write(filepath.Join(docs, "guide.md"), "# Guide\n")
	problems, _, err = checkSite(docs, site)
	if err != nil || len(problems) != 1 || !strings.Contains(problems[0], "guide.md: not built") {
		t.Fatalf("checkSite = %q, %v; want guide.md not built", problems, err)
	}
}
