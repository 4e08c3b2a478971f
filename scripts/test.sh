#!/usr/bin/env bash
# Runs every check and every test of every module in go.work, and builds and
# checks the documentation site. Installs what it needs (golangci-lint and the
# previous Go toolchain through the Go module proxy; mkdocs, mkdocs-material,
# chromium, redis-server and git with apt), so it passes on a Debian machine
# that has only Go, run as root (apt-get). It runs in a git clone (tags are
# not needed).
#
#   FUZZTIME=50000x       how much each fuzz target runs (default 20000x: an
#                         execution count, not a duration: a duration races
#                         Go's fuzz coordinator on a loaded machine before
#                         Go 1.27 and fails with "context deadline exceeded",
#                         golang/go#75804)
#   GO_PREVIOUS=go1.25.N  the oldest Go release go.mod accepts, checked (default below)
#   GO_NEWEST=go1.27.N    the newest Go release, checked (default below)
#   GOVULNDB_URL=URL      the vulnerability database govulncheck reads
#                         (default: its own, https://vuln.go.dev; file://DIR
#                         for an offline copy, as .ci/run sets when it has one)
set -euo pipefail
cd "$(dirname "$0")/.."

GOLANGCI_LINT_VERSION=v2.15.0
# The newest govulncheck whose go.mod accepts Go 1.25 (v1.8.0 and up need
# Go 1.26 to build); it scans code for Go 1.25 to 1.27.
GOVULNCHECK_VERSION=v1.7.0
GOVULNDB_URL=${GOVULNDB_URL:-https://vuln.go.dev}
FUZZTIME=${FUZZTIME:-20000x}
# Supported: the two latest Go releases, 1.26 (the go command here) and 1.25,
# checked with its newest patch release on the module proxy.
GO_PREVIOUS=${GO_PREVIOUS:-go1.25.14}
GO_NEWEST=${GO_NEWEST:-go1.27.3}
GOBIN=$(go env GOPATH)/bin
export PATH="$GOBIN:$PATH"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

step_start=
step_done() { [ -z "$step_start" ] || printf '    (%ds)\n' $((SECONDS - step_start)); }
step() { step_done; step_start=$SECONDS; printf '\n==> %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

step "system packages (apt, when missing): chromium and redis-server for tests, mkdocs for the site, git for the release and install tests"
need=()
command -v git >/dev/null || need+=(git)
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
# The library modules: what scripts/release.sh tags and users install.
not_libraries=" examples bench tools "
libraries=()
for m in "${modules[@]}"; do
  [[ "$not_libraries" == *" ${m#./} "* ]] || libraries+=("$m")
done

step "gofmt"
unformatted=$(find . -name '*.go' -not -path './.git/*' -print0 | xargs -0 gofmt -l)
[ -z "$unformatted" ] || fail "gofmt would change: $unformatted"

step "go.mod tidiness (every module)"
for m in "${modules[@]}"; do
  (cd "$m" && go mod tidy -diff >/dev/null) || fail "$m: go.mod/go.sum not tidy (run: cd $m && go mod tidy)"
done

step "dependency floors (scripts/dependency-floors.txt: no module requires a version with a known advisory)"
go run ./tools/depfloors

step "govulncheck $GOVULNCHECK_VERSION (every library module, GOWORK=off: what users install; database $GOVULNDB_URL)"
if ! govulncheck -version 2>/dev/null | grep -q "govulncheck@$GOVULNCHECK_VERSION\$"; then
  go install "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK_VERSION"
fi
# tools/vulnreport fails on a vulnerability that is called or has a fixed
# version at any level (a required module's too: users install it), and
# lists the ones with no fix published.
for m in "${libraries[@]}"; do
  (cd "$m" && GOWORK=off govulncheck -db "$GOVULNDB_URL" -format json ./...) | go run ./tools/vulnreport -module "${m#./}" ||
    fail "govulncheck: $m has vulnerabilities to fix, or the database could not be read (see above; offline, set GOVULNDB_URL=file://DIR to a copy)"
done

step "go vet (every module)"
go vet work

step "twins (echoauth/echov5auth, fiberauth/fiberv3auth and their examples differ only as reviewed in tools/twins/*.diff)"
go run ./tools/twins

step "golangci-lint $GOLANGCI_LINT_VERSION (every module)"
if ! golangci-lint version 2>/dev/null | grep -q "${GOLANGCI_LINT_VERSION#v}"; then
  go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$GOLANGCI_LINT_VERSION"
fi
for m in "${modules[@]}"; do
  # --allow-serial-runners: wait for, rather than fail beside, another
  # golangci-lint running on the same machine.
  (cd "$m" && golangci-lint run --allow-serial-runners ./...) || fail "golangci-lint found problems in $m"
done

step "go test -race (every module)"
go test -race -count=1 -shuffle=on -timeout 30m work

step "modules build, vet and test on their own (GOWORK=off: go.mod and its replace lines only)"
for m in "${modules[@]}"; do
  echo "--- $m"
  (cd "$m" && GOWORK=off go build ./... && GOWORK=off go vet ./...) || fail "$m does not build without go.work"
  (cd "$m" && GOWORK=off go test -count=1 ./...) || fail "$m: tests fail without go.work"
done

# The machine's own Go ran everything above; the oldest release go.mod
# accepts and the newest release (both through the module proxy, with
# GOTOOLCHAIN) build and vet every module and run core's and the
# adapters' tests.
for toolchain in "$GO_PREVIOUS" "$GO_NEWEST"; do
  step "Go $toolchain: every module builds and vets, core's and the adapters' tests pass"
  GOTOOLCHAIN=$toolchain go version | grep -q "go version $toolchain " || fail "GOTOOLCHAIN=$toolchain did not select $toolchain"
  GOTOOLCHAIN=$toolchain go build work || fail "build with $toolchain"
  GOTOOLCHAIN=$toolchain go vet work || fail "go vet with $toolchain"
  GOTOOLCHAIN=$toolchain go test -count=1 ./core/... ./ginauth/... ./echoauth/... ./echov5auth/... ./fiberauth/... \
    ./fiberv3auth/... ./nethttpauth/... ./lambdaauth/... ./otelauth/... ./grpcauth/... ./connectauth/... || fail "tests with $toolchain"
done

step "release script (scripts/release.sh in scratch clones: tags, version bump, refusals; never pushes)"
./scripts/release_test.sh

step "install as a stranger does (tools/installtest: released versions from a module proxy, GOWORK=off, docs/snippets built)"
go run ./tools/installtest

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

step_done
echo
echo "All checks passed (${SECONDS}s)."
