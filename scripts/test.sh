#!/usr/bin/env bash
# Runs every check and every test of every module in go.work, and builds and
# checks the documentation site. Installs what it needs (golangci-lint and the
# previous Go toolchain through the Go module proxy; mkdocs, mkdocs-material,
# chromium, redis-server and git with apt), so it passes on a Debian machine
# that has only Go, run as root (apt-get). It runs in a git clone (tags are
# not needed).
#
# It runs the stages below in order, each to its end even when an earlier
# one failed, and ends with a table: each stage's wall time, its result and
# what it counted (modules, files, packages; tests passed, failed and
# skipped, from go test -json through tools/testreport), then
#
#   N passed, M failed, K skipped
#
# over every test run, then "All checks passed (Ns)." or the failed stages
# and tests. It exits non-zero when a stage failed. Test output is shown
# for failing tests (all of it) and packages (a line each); passing tests
# stay quiet.
#
#   STAGES=vet,race       run only these stages (the keys of the table:
#                         apt gofmt tidy floors vuln vet twins lint race
#                         gowork go-previous go-newest release install fuzz docs)
#   KEEP_GOING=0          stop at the first stage that fails (default 1: run
#                         every stage, then report)
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
#   README_PORTS="9000 8080 3000 50051"
#                         the ports the README walks need free (below)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ports.sh

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
module_prefix=github.com/cognitoauth/cognito-auth-go/
all_stages=" apt gofmt tidy floors vuln vet twins lint race gowork go-previous go-newest release install fuzz docs "

selected() { [ -z "${STAGES:-}" ] || [[ ",${STAGES// /}," == *",$1,"* ]]; }
stages=${STAGES:-}
for s in ${stages//,/ }; do
  [[ "$all_stages" == *" $s "* ]] || { echo "test.sh: STAGES: no stage $s (the stages:$all_stages)" >&2; exit 2; }
done

# The README walks (examples/readme_demo_test.go, serverless_e2e_test.go,
# grpc_example_test.go) run ./scripts/demo.sh as a person does, so they
# need its fixed ports: cognito-local on 9000, the app (and the Connect
# server) on 8080, the API Gateway stand-in on 3000, the gRPC server on
# 50051.
# Another process on one of them would fail those tests minutes in; say so
# now, naming it.
if selected race || selected gowork; then
  for port in ${README_PORTS:-9000 8080 3000 50051}; do
    require_free_port test.sh 127.0.0.1 "$port" "the README walks run ./scripts/demo.sh, which needs it" \
      "stop that process first (or leave out the stages that run the examples' tests: STAGES without race and gowork)" ||
      exit 1
  done
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
report=$work/report.tsv # tools/testreport's report file: a line per stage start, end, count, failure and go test run
testreport=$work/testreport
go build -o "$testreport" ./tools/testreport

stage_key=
one_line() { tr '\t\n' '  ' <<<"$*" | sed 's/ *$//'; }
record() { (IFS=$'\t' && printf '%s\n' "$*") >>"$report"; }
# counted TEXT: what the stage counted, for its row of the table.
counted() { record count "$stage_key" "$(one_line "$*")"; }
# fail MESSAGE ends the stage, failed, with MESSAGE in the summary.
fail() {
  echo "FAIL: $*" >&2
  record fail "$stage_key" "$(one_line "$*")"
  exit 1
}
# logged CMD...: runs CMD with its output shown and kept in the stage's
# log, for counting.
logged() { "$@" 2>&1 | tee -a "$work/$stage_key.log"; }
# gotest STAGE ARGS...: go test -json ARGS through tools/testreport: a line
# per package, failing tests' whole output, the counts in the report. Its
# status is go test's or the report's, whichever failed (pipefail).
gotest() {
  local key=$1
  shift
  go test -json "$@" 2>&1 | "$testreport" -stage "$key" -record "$report" -trim "$module_prefix"
}

# stage KEY TITLE FUNCTION runs FUNCTION in a subshell with errexit (a
# failing command or fail ends the stage, not the run), timed and recorded.
stage() {
  local key=$1 title=$2 fn=$3 start=$SECONDS rc result=ok
  selected "$key" || return 0
  stage_key=$key
  printf '\n==> %s: %s\n' "$key" "$title"
  record start "$key" "$title"
  set +e
  (
    set -e
    "$fn"
  )
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || result=FAIL
  record stage "$key" "$title" $((SECONDS - start)) "$result"
  printf '    (%s: %ds, %s)\n' "$key" $((SECONDS - start)) "$result"
  if [ "$result" != ok ] && [ "${KEEP_GOING:-1}" = 0 ]; then
    echo "KEEP_GOING=0: stopping after the first failed stage" >&2
    summary
  fi
}

summary() {
  printf '\n==> summary (%s)\n' "${STAGES:-every stage}"
  set +e
  "$testreport" -summary "$report" -seconds "$SECONDS"
  exit $?
}

apt_packages() {
  local need=()
  command -v git >/dev/null || need+=(git)
  command -v chromium >/dev/null || need+=(chromium)
  command -v redis-server >/dev/null || need+=(redis-server)
  command -v curl >/dev/null || need+=(curl)
  command -v mkdocs >/dev/null || need+=(mkdocs mkdocs-material)
  if [ "${#need[@]}" -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
    counted "installed ${need[*]}"
  else
    counted "nothing missing"
  fi
}

mapfile -t modules < <(go work edit -json | sed -n 's/.*"DiskPath": "\(.*\)".*/\1/p')
[ "${#modules[@]}" -gt 0 ] || { echo "FAIL: go.work lists no modules" >&2; exit 1; }
# The library modules: what scripts/release.sh tags and users install.
not_libraries=" examples bench tools "
libraries=()
for m in "${modules[@]}"; do
  [[ "$not_libraries" == *" ${m#./} "* ]] || libraries+=("$m")
done

gofmt_stage() {
  local files unformatted
  files=$(find . -name '*.go' -not -path './.git/*' | wc -l)
  unformatted=$(find . -name '*.go' -not -path './.git/*' -print0 | xargs -0 gofmt -l)
  [ -z "$unformatted" ] || fail "gofmt would change: $unformatted"
  counted "$files files"
}

tidy_stage() {
  for m in "${modules[@]}"; do
    (cd "$m" && go mod tidy -diff >/dev/null) || fail "$m: go.mod/go.sum not tidy (run: cd $m && go mod tidy)"
  done
  counted "${#modules[@]} modules"
}

floors_stage() {
  logged go run ./tools/depfloors || fail "a go.mod requires a version below its floor (see above)"
  counted "$(sed -n 's/^depfloors: \([0-9]* go.mod files, [0-9]* floors\).*/\1/p' "$work/floors.log")"
}

vuln_stage() {
  if ! govulncheck -version 2>/dev/null | grep -q "govulncheck@$GOVULNCHECK_VERSION\$"; then
    go install "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK_VERSION"
  fi
  # tools/vulnreport fails on a vulnerability that is called or has a fixed
  # version at any level (a required module's too: users install it), and
  # lists the ones with no fix published.
  for m in "${libraries[@]}"; do
    (cd "$m" && GOWORK=off govulncheck -db "$GOVULNDB_URL" -format json ./...) |
      logged go run ./tools/vulnreport -module "${m#./}" ||
      fail "govulncheck: $m has vulnerabilities to fix, or the database could not be read (see above; offline, set GOVULNDB_URL=file://DIR to a copy)"
  done
  counted "$(awk '/^vulnreport: .*: [0-9]+ called, / { n++; c += $3; i += $5; r += $9 }
    END { printf "%d library modules: %d called, %d in imported packages, %d in required modules only", n, c, i, r }' "$work/vuln.log")"
}

vet_stage() {
  go vet work || fail "go vet found problems (see above)"
  counted "$(go list work | wc -l) packages"
}

twins_stage() {
  logged go run ./tools/twins || fail "twins: a change landed in one twin only (see above)"
  counted "$(grep -c 'differ only as reviewed' "$work/twins.log") pairs as reviewed"
}

lint_stage() {
  if ! golangci-lint version 2>/dev/null | grep -q "${GOLANGCI_LINT_VERSION#v}"; then
    go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$GOLANGCI_LINT_VERSION"
  fi
  local failed=()
  for m in "${modules[@]}"; do
    echo "--- $m"
    # --allow-serial-runners: wait for, rather than fail beside, another
    # golangci-lint running on the same machine.
    (cd "$m" && golangci-lint run --allow-serial-runners ./...) || failed+=("$m")
  done
  counted "${#modules[@]} modules, $((${#modules[@]} - ${#failed[@]})) clean"
  [ "${#failed[@]}" -eq 0 ] || fail "golangci-lint found problems in ${failed[*]}"
}

race_stage() {
  gotest race -race -count=1 -shuffle=on -timeout 30m work || fail "go test -race: failures above"
}

gowork_stage() {
  local failed=()
  for m in "${modules[@]}"; do
    echo "--- $m"
    if ! (cd "$m" && GOWORK=off go build ./... && GOWORK=off go vet ./...); then
      failed+=("$m (build or vet)")
      continue
    fi
    (cd "$m" && GOWORK=off gotest gowork -count=1 ./...) || failed+=("$m (tests)")
  done
  counted "${#modules[@]} modules built and vetted on their own"
  [ "${#failed[@]}" -eq 0 ] || fail "without go.work: ${failed[*]}"
}

# The machine's own Go ran everything above; the oldest release go.mod
# accepts and the newest release (both through the module proxy, with
# GOTOOLCHAIN) build and vet every module and run core's and the
# adapters' tests.
toolchain_stage() {
  local toolchain=$1
  GOTOOLCHAIN=$toolchain go version | grep -q "go version $toolchain " || fail "GOTOOLCHAIN=$toolchain did not select $toolchain"
  GOTOOLCHAIN=$toolchain go build work || fail "build with $toolchain"
  GOTOOLCHAIN=$toolchain go vet work || fail "go vet with $toolchain"
  counted "$toolchain: every module builds and vets"
  GOTOOLCHAIN=$toolchain gotest "$stage_key" -count=1 ./core/... ./ginauth/... ./echoauth/... ./echov5auth/... ./fiberauth/... \
    ./fiberv3auth/... ./nethttpauth/... ./lambdaauth/... ./otelauth/... ./grpcauth/... ./connectauth/... || fail "tests with $toolchain"
}
go_previous_stage() { toolchain_stage "$GO_PREVIOUS"; }
go_newest_stage() { toolchain_stage "$GO_NEWEST"; }

release_stage() {
  logged ./scripts/release_test.sh || fail "scripts/release_test.sh (see above)"
  counted "$(grep '^release_test: ' "$work/release.log" | grep -vc '^release_test: ok$') scenarios in scratch clones"
}

install_stage() {
  logged go run ./tools/installtest || fail "tools/installtest (see above)"
  counted "$(sed -n 's/^installtest: ok: \(.*\) ([0-9hms.]*)$/\1/p' "$work/install.log")"
}

fuzz_stage() {
  local targets=0 failed=()
  while read -r f; do
    dir=$(dirname "$f")
    for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$f"); do
      echo "--- $dir $target"
      targets=$((targets + 1))
      (cd "$dir" && gotest fuzz -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" .) || failed+=("$target in $dir")
    done
  done < <(grep -rl --include='*_test.go' '^func Fuzz' .)
  counted "$targets targets, $FUZZTIME each"
  [ "${#failed[@]}" -eq 0 ] || fail "fuzz: ${failed[*]}"
}

docs_stage() {
  logged ./scripts/docs.sh || fail "scripts/docs.sh (see above)"
  counted "$(sed -n 's/^docs: counted: //p' "$work/docs.log")"
}

stage apt "system packages (apt, when missing): chromium and redis-server for tests, mkdocs for the site, git for the release and install tests" apt_packages
stage gofmt "gofmt" gofmt_stage
stage tidy "go.mod tidiness (every module)" tidy_stage
stage floors "dependency floors (scripts/dependency-floors.txt: no module requires a version with a known advisory)" floors_stage
stage vuln "govulncheck $GOVULNCHECK_VERSION (every library module, GOWORK=off: what users install; database $GOVULNDB_URL)" vuln_stage
stage vet "go vet (every module)" vet_stage
stage twins "twins (echoauth/echov5auth, fiberauth/fiberv3auth and their examples differ only as reviewed in tools/twins/*.diff)" twins_stage
stage lint "golangci-lint $GOLANGCI_LINT_VERSION (every module)" lint_stage
stage race "go test -race (every module)" race_stage
stage gowork "modules build, vet and test on their own (GOWORK=off: go.mod and its replace lines only)" gowork_stage
stage go-previous "Go $GO_PREVIOUS: every module builds and vets, core's and the adapters' tests pass" go_previous_stage
stage go-newest "Go $GO_NEWEST: every module builds and vets, core's and the adapters' tests pass" go_newest_stage
stage release "release script (scripts/release.sh in scratch clones: tags, version bump, refusals; never pushes)" release_stage
stage install "install as a stranger does (tools/installtest: released versions from a module proxy, GOWORK=off, docs/snippets built and the quick starts run)" install_stage
stage fuzz "fuzz targets (${FUZZTIME} each)" fuzz_stage
stage docs "documentation site (mkdocs --strict, links, browser render, diagrams)" docs_stage
summary
