package main

import (
	"strings"
	"testing"
)

// A README whose last section ends with a table: the generated headings after
// it must start new blocks, not continue the table.
func TestAdapterPageSeparatesTableFromHeading(t *testing.T) {
	t.Chdir("../..")
	readme := "# ginauth\n\nIntro.\n\n## Config\n\n| option | meaning |\n|---|---|\n| `WithX` | x |\n"
	page, err := adapterPage("ginauth", "gin", "", map[string][]byte{"ginauth/README.md": []byte(readme)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "| `WithX` | x |\n\n## Runnable examples\n") {
		t.Fatalf("no blank line between the table and the heading:\n%s", page)
	}
	checkBlankBeforeHeadings(t, "generated page", string(page))
}

// Every generated adapter page: a blank line before every heading.
func TestAdapterPagesBlankLineBeforeHeadings(t *testing.T) {
	t.Chdir("../..")
	files, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range adapterPages {
		name := "docs/adapters/" + p.page + ".md"
		page, ok := files[name]
		if !ok {
			t.Fatalf("%s not generated", name)
		}
		checkBlankBeforeHeadings(t, name, string(page))
		n++
	}
	if n != 7 {
		t.Fatalf("%d adapter pages, want 7", n)
	}
}

func checkBlankBeforeHeadings(t *testing.T, name, md string) {
	t.Helper()
	lines := strings.Split(md, "\n")
	fence := false
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fence = !fence
		}
		if !fence && i > 1 && strings.HasPrefix(l, "#") && strings.TrimSpace(lines[i-1]) != "" {
			t.Errorf("%s:%d: heading %q follows %q without a blank line", name, i+1, l, lines[i-1])
		}
	}
}

func TestBlankLine(t *testing.T) {
	for in, want := range map[string]string{"": "", "a": "a\n\n", "a\n": "a\n\n", "a\n\n": "a\n\n"} {
		var b strings.Builder
		b.WriteString(in)
		blankLine(&b)
		if b.String() != want {
			t.Errorf("blankLine(%q) = %q, want %q", in, b.String(), want)
		}
	}
}
