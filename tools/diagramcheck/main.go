// Command diagramcheck checks that every mermaid diagram of the
// documentation site draws in a real browser, offline:
//
//	go run ./tools/diagramcheck -site DIR -docs docs [-require index.md,security.md] [-screenshots DIR]
//
// It counts the ```mermaid fences of every Markdown page under -docs and
// checks that the built page (DIR, from mkdocs build) has as many
// <pre class="mermaid"> blocks. Then it serves the site on 127.0.0.1 and
// opens each page that has one in headless Chromium, with every other host
// unresolvable (nothing can come from a CDN), and waits until each block is
// a drawing: mkdocs-material replaces every <pre class="mermaid"> with a
// <div class="mermaid"> whose closed shadow root holds the <svg> mermaid
// drew. Closed shadow roots are out of the page's own JavaScript's reach,
// so the DOM is read through the DevTools protocol, which sees them. A
// block left a <pre>, a <div> without an <svg>, or mermaid's error picture
// (aria-roledescription "error") fails. -require names pages that must
// have a diagram; -screenshots saves a PNG of each diagram there.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

func main() {
	site := flag.String("site", "", "the built site (mkdocs build -d DIR)")
	docs := flag.String("docs", "docs", "the Markdown sources")
	require := flag.String("require", "", "comma-separated pages (relative to -docs) that must have a diagram")
	shots := flag.String("screenshots", "", "save a PNG of each diagram in this directory")
	flag.Parse()
	if err := run(*site, *docs, *require, *shots); err != nil {
		fmt.Fprintln(os.Stderr, "diagramcheck: FAIL:", err)
		os.Exit(1)
	}
}

// diagramPage is one page with diagrams.
type diagramPage struct {
	source string // relative to the docs directory: "security.md"
	url    string // relative to the site root: "security/"
	want   int    // its ```mermaid fences
}

var (
	fence    = regexp.MustCompile("(?m)^[ \\t]*(```|~~~)mermaid[ \\t]*$")
	preBlock = regexp.MustCompile(`<pre class="mermaid">`)
)

func run(site, docs, require, shots string) error {
	if site == "" {
		return errors.New("-site is required")
	}
	pages, err := diagramPages(docs)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, p := range pages {
		have[p.source] = true
	}
	for _, r := range strings.Split(require, ",") {
		if r = strings.TrimSpace(r); r != "" && !have[r] {
			return fmt.Errorf("%s has no ```mermaid diagram, and -require names it", filepath.Join(docs, r))
		}
	}
	if len(pages) == 0 {
		return errors.New("no page has a ```mermaid diagram")
	}
	for _, p := range pages {
		html, err := os.ReadFile(filepath.Join(site, filepath.FromSlash(p.url), "index.html"))
		if err != nil {
			return fmt.Errorf("%s: the built page: %w", p.source, err)
		}
		if n := len(preBlock.FindAll(html, -1)); n != p.want {
			return fmt.Errorf("%s has %d ```mermaid fences, its built page %d <pre class=\"mermaid\"> blocks (is pymdownx.superfences' mermaid fence configured in mkdocs.yml?)", p.source, p.want, n)
		}
	}
	if shots != "" {
		if err := os.MkdirAll(shots, 0o755); err != nil {
			return err
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	base, stop, err := serve(ctx, site)
	if err != nil {
		return err
	}
	defer stop()
	browser, closeBrowser, err := newBrowser(ctx)
	if err != nil {
		return err
	}
	defer closeBrowser()

	total := 0
	for _, p := range pages {
		kinds, err := check(browser, base+p.url, p, shots)
		if err != nil {
			return fmt.Errorf("%s (%s%s): %w", p.source, base, p.url, err)
		}
		total += len(kinds)
		fmt.Printf("diagramcheck: %s: %d drawn as SVG (%s)\n", p.source, len(kinds), strings.Join(kinds, ", "))
	}
	fmt.Printf("diagramcheck: %d diagrams on %d pages drawn as SVG in headless Chromium, offline\n", total, len(pages))
	return nil
}

// diagramPages returns the Markdown pages with ```mermaid fences, sorted.
func diagramPages(docs string) ([]diagramPage, error) {
	var pages []diagramPage
	err := filepath.WalkDir(docs, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n := len(fence.FindAll(b, -1))
		if n == 0 {
			return nil
		}
		rel, err := filepath.Rel(docs, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		pages = append(pages, diagramPage{source: rel, url: pageURL(rel), want: n})
		return nil
	})
	sort.Slice(pages, func(i, j int) bool { return pages[i].source < pages[j].source })
	return pages, err
}

// pageURL is where mkdocs (use_directory_urls) puts the page of a Markdown
// file: "index.md" at "", "security.md" at "security/", "api/index.md" at
// "api/".
func pageURL(rel string) string {
	rel = strings.TrimSuffix(rel, ".md")
	if rel == "index" {
		return ""
	}
	if dir, ok := strings.CutSuffix(rel, "/index"); ok {
		return dir + "/"
	}
	return rel + "/"
}

// serve serves the site on a loopback port.
func serve(ctx context.Context, site string) (string, func(), error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(site)), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/", func() { _ = srv.Close() }, nil
}

// newBrowser starts headless Chromium that can reach 127.0.0.1 only.
func newBrowser(ctx context.Context) (context.Context, func(), error) {
	path, err := exec.LookPath("chromium")
	if err != nil {
		return nil, nil, fmt.Errorf("chromium is needed (scripts/docs.sh installs Debian's): %w", err)
	}
	profile, err := os.MkdirTemp("", "diagramcheck-")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		// Offline: no host but the site's resolves (a CDN's mermaid cannot load).
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(profile), chromedp.WindowSize(1280, 1400))
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil { // start it now: a missing browser is not a page's fault
		bcancel()
		acancel()
		_ = os.RemoveAll(profile)
		return nil, nil, err
	}
	return bctx, func() { bcancel(); acancel(); _ = os.RemoveAll(profile) }, nil
}

// check opens one page in a new tab and waits until every diagram on it is
// drawn; it returns each diagram's kind (its svg's aria-roledescription).
func check(browser context.Context, url string, p diagramPage, shots string) ([]string, error) {
	tab, cancel := chromedp.NewContext(browser)
	defer cancel()
	tab, cancelTimeout := context.WithTimeout(tab, time.Minute)
	defer cancelTimeout()
	console := collectConsole(tab)
	if err := chromedp.Do(tab, chromedp.Navigate(url)); err != nil {
		return nil, fmt.Errorf("navigate: %w", err)
	}
	var last state
	for {
		doc, err := chromedp.Call(tab, dom.GetDocument, dom.GetDocumentParams{Depth: ptr(int64(-1)), Pierce: ptr(true)})
		if err != nil {
			return nil, fmt.Errorf("getDocument: %w", err)
		}
		last = state{}
		last.walk(doc.Root)
		if last.pre == 0 && len(last.drawn) == p.want && len(last.empty) == 0 {
			break
		}
		select {
		case <-tab.Done():
			return nil, fmt.Errorf("after a minute, %s; the browser's console said:\n%s", last.describe(p.want), console())
		case <-time.After(250 * time.Millisecond):
		}
	}
	for _, k := range last.drawn {
		if k == "error" {
			return nil, fmt.Errorf("mermaid drew its error picture (a syntax error in a diagram); the console said:\n%s", console())
		}
	}
	if shots != "" {
		if err := screenshots(tab, p, last.hosts, shots); err != nil {
			return nil, err
		}
	}
	return last.drawn, nil
}

// screenshots saves a PNG of each drawn diagram of the page.
func screenshots(tab context.Context, p diagramPage, nodes []cdp.NodeID, dir string) error {
	name := strings.TrimSuffix(strings.ReplaceAll(p.source, "/", "-"), ".md")
	for i, id := range nodes {
		if _, err := chromedp.Call(tab, dom.ScrollIntoViewIfNeeded, dom.ScrollIntoViewIfNeededParams{NodeID: id}); err != nil {
			return err
		}
		box, err := chromedp.Call(tab, dom.GetBoxModel, dom.GetBoxModelParams{NodeID: id})
		if err != nil {
			return err
		}
		metrics, err := chromedp.Call(tab, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return err
		}
		q := box.Model.Border // x1 y1 x2 y2 x3 y3 x4 y4, viewport coordinates
		vp := metrics.CSSVisualViewport
		clip := &page.Viewport{X: q[0] + vp.PageX, Y: q[1] + vp.PageY, Width: q[4] - q[0], Height: q[5] - q[1], Scale: 1}
		shot, err := chromedp.Call(tab, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng, Clip: clip, CaptureBeyondViewport: ptr(true)})
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("diagram-%s-%d.png", name, i+1)), shot.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// state is what one look at a page's DOM found.
type state struct {
	pre   int          // <pre class="mermaid"> blocks not drawn yet
	drawn []string     // the kind of each <div class="mermaid"> holding an svg
	hosts []cdp.NodeID // those <div>s
	empty []string     // <div class="mermaid"> blocks without one
}

func (s *state) describe(want int) string {
	return fmt.Sprintf("%d of %d diagrams drawn, %d <pre class=\"mermaid\"> blocks left undrawn, %d mermaid blocks without an <svg>", len(s.drawn), want, s.pre, len(s.empty))
}

// walk visits n and everything under it, shadow roots included.
func (s *state) walk(n *cdp.Node) {
	if n == nil {
		return
	}
	if n.NodeType == elementNode && hasClass(n, "mermaid") {
		switch strings.ToLower(n.NodeName) {
		case "pre":
			s.pre++
			return
		case "div":
			if svg := findSVG(n); svg != nil && elementCount(svg) > 3 {
				kind := attr(svg, "aria-roledescription")
				if kind == "" {
					kind = "svg"
				}
				s.drawn = append(s.drawn, kind)
				s.hosts = append(s.hosts, n.NodeID)
			} else {
				s.empty = append(s.empty, attr(n, "id"))
			}
			return
		}
	}
	for _, c := range n.Children {
		s.walk(c)
	}
	for _, r := range n.ShadowRoots {
		s.walk(r)
	}
	s.walk(n.ContentDocument)
}

// findSVG returns the first <svg> under n, through shadow roots.
func findSVG(n *cdp.Node) *cdp.Node {
	for _, list := range [][]*cdp.Node{n.ShadowRoots, n.Children} {
		for _, c := range list {
			if c.NodeType == elementNode && strings.EqualFold(c.NodeName, "svg") {
				return c
			}
			if svg := findSVG(c); svg != nil {
				return svg
			}
		}
	}
	return nil
}

// elementCount counts the elements under n: a drawing has many, an empty
// or broken svg few.
func elementCount(n *cdp.Node) int {
	count := 0
	for _, c := range n.Children {
		if c.NodeType == elementNode {
			count += 1 + elementCount(c)
		}
	}
	return count
}

func hasClass(n *cdp.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

func attr(n *cdp.Node, name string) string {
	for i := 0; i+1 < len(n.Attributes); i += 2 {
		if n.Attributes[i] == name {
			return n.Attributes[i+1]
		}
	}
	return ""
}

func ptr[T any](v T) *T { return &v }

// elementNode is the DOM nodeType of an element.
const elementNode = 1

// collectConsole gathers the tab's console messages and exceptions, for
// failure messages.
func collectConsole(tab context.Context) func() string {
	var mu sync.Mutex
	var lines []string
	messages := chromedp.Console(tab)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			mu.Lock()
			lines = append(lines, fmt.Sprintf("  %s: %s", m.Type, m.Text))
			mu.Unlock()
		}
	}()
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		if len(lines) == 0 {
			return "  (nothing)"
		}
		return strings.Join(lines, "\n")
	}
}
