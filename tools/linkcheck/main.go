// Command linkcheck checks every internal link of a built site: the target
// page must exist and, for links with a #fragment, the page must have an
// element with that id. External links are not fetched.
//
//	go run ./tools/linkcheck site
package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

var (
	hrefRe = regexp.MustCompile(`(?:href|src)="([^"]*)"`)
	idRe   = regexp.MustCompile(`\sid="([^"]+)"`)
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: linkcheck SITE_DIR")
		os.Exit(2)
	}
	root := os.Args[1]
	ids := map[string]map[string]bool{} // page -> ids
	pages := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		pages[path] = string(b)
		ids[path] = map[string]bool{}
		for _, m := range idRe.FindAllStringSubmatch(string(b), -1) {
			ids[path][m[1]] = true
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var broken []string
	links := 0
	for page, html := range pages {
		for _, m := range hrefRe.FindAllStringSubmatch(html, -1) {
			u, err := url.Parse(m[1])
			if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(m[1], "//") {
				continue
			}
			links++
			target := page
			if u.Path != "" {
				target = filepath.Join(filepath.Dir(page), u.Path)
				if st, err := os.Stat(target); err == nil && st.IsDir() {
					target = filepath.Join(target, "index.html")
				}
			}
			if _, err := os.Stat(target); err != nil {
				broken = append(broken, fmt.Sprintf("%s: %s (no such file)", page, m[1]))
				continue
			}
			if u.Fragment != "" && strings.HasSuffix(target, ".html") && !ids[target][u.Fragment] {
				broken = append(broken, fmt.Sprintf("%s: %s (no #%s on the page)", page, m[1], u.Fragment))
			}
		}
	}
	sort.Strings(broken)
	for _, b := range broken {
		fmt.Println("broken link:", b)
	}
	if len(broken) > 0 {
		os.Exit(1)
	}
	fmt.Printf("linkcheck: %d internal links in %d pages, all resolve\n", links, len(pages))
}
