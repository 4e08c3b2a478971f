#!/usr/bin/env bash
# Builds and checks the documentation site:
#  1. the generated pages (Examples, API reference, adapter pages, error
#     codes) are current and no page hand-writes Go (tools/docgen -check);
#  2. mkdocs build --strict (Debian's mkdocs and mkdocs-material);
#  3. every internal link and #anchor resolves (tools/linkcheck);
#  4. the built pages have the structure their Markdown says
#     (tools/docstructure, on the HTML): every heading of every page is a
#     heading of its level and in the page's table of contents, and no table
#     cell starts with "#" (a heading swallowed by the table before it);
#  5. every mermaid diagram draws (tools/diagramcheck): each page with a
#     ```mermaid fence, opened in headless Chromium that can reach only the
#     site (mermaid comes from docs/assets/javascripts, never a CDN), has an
#     <svg> in each of its mermaid blocks; Home, the security model, the
#     hosted UI and serverless pages must have one;
#  6. headless Chromium renders Home and an adapter page: screenshots in
#     site-screenshots/ (with one per diagram), and the navigation and code
#     tabs are in the DOM.
# Installs mkdocs, mkdocs-material and chromium with apt when missing. Its
# last line counts what it checked ("docs: counted: ...", for the table of
# scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v mkdocs >/dev/null || need+=(mkdocs mkdocs-material)
command -v chromium >/dev/null || need+=(chromium)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing ${need[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

go run ./tools/docgen -check
site=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$site" "$log"; [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true' EXIT
mkdocs build --strict --quiet -d "$site"
go run ./tools/linkcheck "$site" | tee -a "$log"
go run ./tools/docstructure -site "$site" -docs docs | tee -a "$log"
mkdir -p site-screenshots
go run ./tools/diagramcheck -site "$site" -docs docs -require index.md,security.md,hosted-ui.md,serverless.md \
  -screenshots site-screenshots | tee -a "$log"

# Look at the site in a real browser.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
mkdir -p site-screenshots
chrome=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$(mktemp -d)" --window-size=1280,1400)
"${chrome[@]}" --screenshot=site-screenshots/home.png "http://127.0.0.1:$port/" 2>/dev/null
"${chrome[@]}" --screenshot=site-screenshots/gin.png "http://127.0.0.1:$port/adapters/gin/" 2>/dev/null
home=$("${chrome[@]}" --dump-dom "http://127.0.0.1:$port/" 2>/dev/null)
gin=$("${chrome[@]}" --dump-dom "http://127.0.0.1:$port/adapters/gin/" 2>/dev/null)
check() { grep -q "$2" <<<"$1" || { echo "FAIL: rendered page lacks $3" >&2; exit 1; }; }
check "$home" 'class="tabbed-set' "the code tabs"
for fw in gin echo fiber net/http Lambda; do check "$home" "<label[^>]*>$fw</label>" "the $fw tab"; done
check "$home" 'md-tabs__link' "the top navigation"
check "$gin" 'id="the-example-app"' "the gin example app section"
check "$gin" 'ProtectApp' "the gin example code"
check "$gin" 'Runnable examples' "the runnable examples"
for f in site-screenshots/home.png site-screenshots/gin.png; do
  [ "$(stat -c %s "$f")" -gt 20000 ] || { echo "FAIL: $f looks empty" >&2; exit 1; }
done
echo "docs: site built, links and anchors resolve, headings and tables render as written, diagrams draw, Home and the gin page render (site-screenshots/)"
echo "docs: counted: $(find "$site" -name index.html | wc -l) pages built," \
  "$(sed -n 's/^linkcheck: \([0-9]* internal links\) .*/\1/p' "$log") resolve," \
  "$(sed -n 's/^diagramcheck: \([0-9]* diagrams on [0-9]* pages\) .*/\1/p' "$log") drawn as SVG offline"
