package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
)

func TestPageURL(t *testing.T) {
	for in, want := range map[string]string{
		"index.md": "", "security.md": "security/", "adapters/gin.md": "adapters/gin/", "api/index.md": "api/",
	} {
		if got := pageURL(in); got != want {
			t.Errorf("pageURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDiagramPages(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"index.md":        "# Home\n\n```mermaid\nflowchart LR\n  a --> b\n```\n",
		"plain.md":        "# No diagram\n\n```go\npackage main\n```\n\nA word: mermaid.\n",
		"guide/tabbed.md": "=== \"one\"\n\n    ```mermaid\n    sequenceDiagram\n    ```\n\n~~~mermaid\nflowchart TD\n~~~\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := diagramPages(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []diagramPage{{source: "guide/tabbed.md", url: "guide/tabbed/", want: 2}, {source: "index.md", url: "", want: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diagramPages = %+v, want %+v", got, want)
	}
}

// el builds an element node with attributes ("k=v") and children.
func el(name string, attrs []string, children ...*cdp.Node) *cdp.Node {
	n := &cdp.Node{NodeType: elementNode, NodeName: name, Children: children}
	for _, a := range attrs {
		k, v, _ := strings.Cut(a, "=")
		n.Attributes = append(n.Attributes, k, v)
	}
	return n
}

func drawing(kind string) *cdp.Node {
	return el("svg", []string{"aria-roledescription=" + kind}, el("g", nil, el("rect", nil), el("text", nil), el("path", nil)))
}

func TestWalkSeesClosedShadowRoots(t *testing.T) {
	drawn := el("DIV", []string{"class=mermaid"})
	drawn.ShadowRoots = []*cdp.Node{{
		NodeType: 11, NodeName: "#document-fragment", ShadowRootType: cdp.ShadowRootTypeClosed,
		Children: []*cdp.Node{drawing("sequence")},
	}}
	broken := el("DIV", []string{"class=mermaid"})
	broken.ShadowRoots = []*cdp.Node{{NodeType: 11, Children: []*cdp.Node{drawing("error")}}}
	emptyHost := el("DIV", []string{"class=mermaid", "id=empty"})
	undrawn := el("PRE", []string{"class=mermaid"}, el("CODE", nil))
	notMermaid := el("DIV", []string{"class=highlight"}, drawing("flowchart-v2")) // an svg elsewhere does not count
	doc := &cdp.Node{NodeType: 9, Children: []*cdp.Node{el("HTML", nil, el("BODY", nil, drawn, broken, emptyHost, undrawn, notMermaid))}}

	var s state
	s.walk(doc)
	if s.pre != 1 || !reflect.DeepEqual(s.drawn, []string{"sequence", "error"}) || !reflect.DeepEqual(s.empty, []string{"empty"}) {
		t.Errorf("walk found pre %d, drawn %v, empty %v; want 1, [sequence error], [empty]", s.pre, s.drawn, s.empty)
	}
	if got := s.describe(3); got != `2 of 3 diagrams drawn, 1 <pre class="mermaid"> blocks left undrawn, 1 mermaid blocks without an <svg>` {
		t.Errorf("describe: %s", got)
	}
}

func TestWalkRefusesAnEmptySVG(t *testing.T) {
	host := el("DIV", []string{"class=mermaid"})
	host.ShadowRoots = []*cdp.Node{{NodeType: 11, Children: []*cdp.Node{el("svg", nil, el("g", nil))}}}
	var s state
	s.walk(host)
	if len(s.drawn) != 0 || len(s.empty) != 1 {
		t.Errorf("an svg with one element counted as a drawing: %+v", s)
	}
}
