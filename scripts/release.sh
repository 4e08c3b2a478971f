#!/usr/bin/env bash
# Releases every library module of the repository under one version:
#
#   ./scripts/release.sh vX.Y.Z [--skip-tests]
#
# 1. checks the tree: a clean git tree, no tag vX.Y.Z yet, a "## [X.Y.Z]"
#    entry in CHANGELOG.md, no module requiring a sibling at v0.0.0 or at a
#    pseudo-version, the API compatible with the previous release (below),
#    and the tests green (./scripts/test.sh, unless --skip-tests);
# 2. makes every module (examples, bench and tools included) require its
#    siblings at vX.Y.Z and commits that if anything changed (the
#    "replace ... => ../<dir>" lines stay, for GOWORK=off development);
# 3. creates an annotated tag <dir>/vX.Y.Z for every library module, in
#    dependency order (core first);
# 4. prints the git push command that publishes the release. It never pushes.
#
# The compatibility gate (tools/apicompat, with apidiff): for each library
# module, the API of the tree is compared with the module's previous tag
# (the highest <dir>/vA.B.C below vX.Y.Z), and the release is refused, with
# the incompatible changes listed, when the bump does not allow them.
# Semantic versioning's rule:
#   - v0.x: a MINOR bump (v0.1.3 -> v0.2.0) may break the API; a PATCH bump
#     (v0.1.3 -> v0.1.4) must not;
#   - v1 and up: MINOR and PATCH bumps (v1.2.3 -> v1.3.0, v1.2.4) must not
#     break it; only a new major version may (v0 -> v1 may too);
#   - a module with no previous tag (its first release) is skipped, with a
#     note.
# Main packages (cmd/...) and internal packages are not API. The previous
# tag's tree comes from git archive, so the gate runs offline and touches no
# worktree; apidiff is installed at APIDIFF_VERSION when missing.
#
# It works on the repository that contains the current directory.
set -euo pipefail

# golang.org/x/exp/cmd/apidiff, pinned: x/exp has no releases, this is its
# last commit whose go.mod accepts Go 1.25 (2026-08-13). apidiff rather than
# gorelease: gorelease fetches the base version from the module proxy, which
# an unpushed tag is not on; apidiff compares two trees on disk.
APIDIFF_VERSION=v0.0.0-20260813180055-c1d0aacb2297
scripts_dir=$(cd "$(dirname "$0")" && pwd)

usage() { echo "usage: $0 vX.Y.Z [--skip-tests]" >&2; exit 2; }
fail() { echo "release: $*" >&2; exit 1; }

version="" skip_tests=false
for arg in "$@"; do
  case "$arg" in
    --skip-tests) skip_tests=true ;;
    -h|--help) usage ;;
    v*) [ -z "$version" ] || usage; version=$arg ;;
    *) usage ;;
  esac
done
[ -n "$version" ] || usage
[[ "$version" =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$ ]] ||
  fail "$version is not a semantic version vMAJOR.MINOR.PATCH"
[ "$version" != v0.0.0 ] || fail "v0.0.0 is not a release"
[[ "$version" =~ ^v[01]\. ]] ||
  fail "$version: major versions 2 and up need /vN module paths, which this script does not handle"

root=$(git rev-parse --show-toplevel) || fail "not inside a git repository"
cd "$root"
[ -f go.work ] && [ -f CHANGELOG.md ] || fail "$root has no go.work or CHANGELOG.md"

prefix=github.com/cognitoauth/cognito-auth-go/
not_libraries=" examples bench tools " # modules that are never tagged

# Every module of go.work, as a directory relative to the root.
mapfile -t modules < <(go work edit -json | sed -n 's/.*"DiskPath": "\.\/\(.*\)".*/\1/p')
[ "${#modules[@]}" -gt 0 ] || fail "go.work lists no modules"
libraries=()
for m in "${modules[@]}"; do
  [[ "$not_libraries" == *" $m "* ]] || libraries+=("$m")
done

# sibling_requires DIR: "path version" for each require of a sibling module.
sibling_requires() {
  awk -v prefix="$prefix" '
    /^require[ \t]*\(/ { block = 1; next }
    block && /^\)/ { block = 0; next }
    /=>/ { next }
    {
      line = $0; sub(/\/\/.*/, "", line); sub(/^[ \t]+/, "", line)
      if (!block) { if (line !~ /^require[ \t]/) next; sub(/^require[ \t]+/, "", line) }
      if (index(line, prefix) == 1) { split(line, f, /[ \t]+/); print f[1], f[2] }
    }
  ' "$1/go.mod"
}

echo "release $version: checking the tree"
[ -z "$(git status --porcelain)" ] || fail "the git tree is not clean (commit or stash first):
$(git status --short)"
for m in "${libraries[@]}"; do
  ! git rev-parse -q --verify "refs/tags/$m/$version" >/dev/null || fail "tag $m/$version already exists"
done
grep -q "^## \[${version#v}\]" CHANGELOG.md || fail "CHANGELOG.md has no \"## [${version#v}]\" entry"
bad=()
for m in "${modules[@]}"; do
  while read -r path ver; do
    [ -n "$path" ] || continue
    if [ "$ver" = v0.0.0 ] || [[ "$ver" =~ [0-9]{14}-[0-9a-f]{12}$ ]]; then
      bad+=("$m/go.mod requires $path $ver")
    fi
  done < <(sibling_requires "$m")
done
[ "${#bad[@]}" -eq 0 ] || fail "modules require siblings at versions nobody can download (set a released version first):
$(printf '  %s\n' "${bad[@]}")"
echo "release $version: the API against each module's previous tag (tools/apicompat, apidiff $APIDIFF_VERSION)"
gobin=$(go env GOPATH)/bin
apidiff=$gobin/apidiff
if ! go version -m "$apidiff" 2>/dev/null | grep -q "golang.org/x/exp[[:space:]]*$APIDIFF_VERSION"; then
  GOBIN=$gobin go install "golang.org/x/exp/cmd/apidiff@$APIDIFF_VERSION" || fail "could not install apidiff $APIDIFF_VERSION"
fi
tmpd=$(mktemp -d)
trap 'rm -rf "$tmpd"' EXIT
# Built from this script's own checkout, which may not be the one released.
(cd "$scripts_dir/.." && go build -o "$tmpd/apicompat" ./tools/apicompat) || fail "could not build tools/apicompat"
"$tmpd/apicompat" -version "$version" -apidiff "$apidiff" "${libraries[@]}" ||
  fail "$version breaks the API of a previous release (listed above): below v1 release it as a minor bump, from v1 on as a new major version, or restore the API"
if $skip_tests; then
  echo "release $version: tests skipped (--skip-tests)"
else
  echo "release $version: running ./scripts/test.sh"
  ./scripts/test.sh || fail "tests failed"
fi

echo "release $version: every module requires its siblings at $version"
for m in "${modules[@]}"; do
  args=()
  while read -r path ver; do
    [ -n "$path" ] && [ "$ver" != "$version" ] && args+=("-require=$path@$version")
  done < <(sibling_requires "$m")
  if [ "${#args[@]}" -gt 0 ]; then
    (cd "$m" && go mod edit "${args[@]}")
    echo "  $m: ${args[*]#-require=}"
  fi
done
if [ -n "$(git status --porcelain)" ]; then
  git commit -q -a -m "release $version: modules require their siblings at $version"
  echo "release $version: committed $(git rev-parse --short HEAD)"
fi

# Dependency order: a module is tagged after every sibling it requires.
ordered=() done_list=" "
while [ "${#ordered[@]}" -lt "${#libraries[@]}" ]; do
  progressed=false
  for m in "${libraries[@]}"; do
    [[ "$done_list" == *" $m "* ]] && continue
    ready=true
    while read -r path _; do
      [ -n "$path" ] || continue
      dep=${path#"$prefix"}
      [[ "$done_list" == *" $dep "* ]] || { ready=false; break; }
    done < <(sibling_requires "$m")
    if $ready; then ordered+=("$m"); done_list+="$m "; progressed=true; fi
  done
  $progressed || fail "library modules require each other in a cycle or a module outside the libraries"
done

tags=()
for m in "${ordered[@]}"; do
  git tag -a "$m/$version" -m "$m $version"
  tags+=("$m/$version")
  echo "  tagged $m/$version"
done
branch=$(git symbolic-ref -q --short HEAD || echo HEAD)
echo "release $version: ${#tags[@]} tags on $(git rev-parse --short HEAD). Nothing was pushed; to publish:"
echo "  git push origin $branch ${tags[*]}"
