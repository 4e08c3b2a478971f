#!/usr/bin/env bash
# Runs every check and every test of every module in go.work, and builds and
# checks the documentation site. Installs what it needs (golangci-lint
# through the Go module proxy; mkdocs, mkdocs-material and chromium with apt),
# so it passes on a machine that has only Go and Debian's package manager.
#
#   FUZZTIME=10s   how long each fuzz target runs (default 5s)
set -euo pipefail
cd "$(dirname "$0")/.."

GOLANGCI_LINT_VERSION=v2.15.0
FUZZTIME=${FUZZTIME:-5s}
GOBIN=$(go env GOPATH)/bin
export PATH="$GOBIN:$PATH"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

step() { printf '\n==> %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

step "system packages (apt, when missing): chromium and redis-server for tests, mkdocs for the site"
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v redis-server >/dev/null || need+=(redis-server)
command -v curl >/dev/null || need+=(curl)
command -v mkdocs >/dev/null || need+=(mkdocs mkdocs-material)
if [ "${#need[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

mapfile -t modules < <(go work edit -json | sed -n 's/.*"DiskPath": "\(.*\)".*/\1/p')
[ "${#modules[@]}" -gt 0 ] || fail "go.work lists no modules"

step "gofmt"
unformatted=$(find . -name '*.go' -not -path './.git/*' -print0 | xargs -0 gofmt -l)
[ -z "$unformatted" ] || fail "gofmt would change: $unformatted"

step "go.mod tidiness (every module)"
for m in "${modules[@]}"; do
  (cd "$m" && go mod tidy -diff >/dev/null) || fail "$m: go.mod/go.sum not tidy (run: cd $m && go mod tidy)"
done

step "go vet (every module)"
go vet work

step "golangci-lint $GOLANGCI_LINT_VERSION (every module)"
if ! golangci-lint version 2>/dev/null | grep -q "${GOLANGCI_LINT_VERSION#v}"; then
  go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$GOLANGCI_LINT_VERSION"
fi
for m in "${modules[@]}"; do
  # --allow-serial-runners: wait for, rather than fail beside, another
  # golangci-lint running on the same machine.
  (cd "$m" && golangci-lint run --allow-serial-runners ./...) || fail "golangci-lint found problems in $m"
done

step "modules build on their own (GOWORK=off)"
for m in "${modules[@]}"; do
  (cd "$m" && GOWORK=off go build ./... && GOWORK=off go vet ./...) || fail "$m does not build without go.work"
done

step "go test -race (every module)"
go test -race -count=1 -shuffle=on work

step "fuzz targets (${FUZZTIME} each)"
grep -rl --include='*_test.go' '^func Fuzz' . | while read -r f; do
  dir=$(dirname "$f")
  for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$f"); do
    echo "--- $dir $target"
    (cd "$dir" && go test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" .) || fail "fuzz $target in $dir"
  done
done

step "documentation site (mkdocs --strict, links, browser render)"
./scripts/docs.sh

echo
echo "All checks passed."
