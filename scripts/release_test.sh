#!/usr/bin/env bash
# Tests scripts/release.sh (this working tree's copy) in scratch clones of the
# repository's HEAD, made without tags; nothing is pushed and the repository
# itself is not touched. Run by scripts/test.sh; takes about half a minute
# (the compatibility gate compares ginauth with its previous tag with apidiff).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
release="$repo/scripts/release.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: release_test: $*" >&2; exit 1; }
# The checkout may belong to another user (CI runs as root): trust it for
# these git commands only.
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0='*'
command -v git >/dev/null || fail "git is needed"
libraries=(core ginauth echoauth echov5auth fiberauth fiberv3auth nethttpauth lambdaauth grpcauth connectauth redisstore awscognito secretspolicy otelauth)

clone() {
  rm -rf "$tmp/clone"
  git clone -q --no-tags "$repo" "$tmp/clone"
  git -C "$tmp/clone" config user.name "release test"
  git -C "$tmp/clone" config user.email "release-test@example.invalid"
  git -C "$tmp/clone" config commit.gpgsign false
  git -C "$tmp/clone" config tag.gpgsign false
}
# expect_refusal WHY ARGS...: release.sh must fail, tag nothing and say WHY.
expect_refusal() {
  local why=$1 tags_before; shift
  tags_before=$(git -C "$tmp/clone" tag)
  if out=$(cd "$tmp/clone" && "$release" "$@" 2>&1); then fail "release.sh $* succeeded; want a refusal ($why)"; fi
  grep -q "$why" <<<"$out" || fail "release.sh $* refused for another reason: $out"
  [ "$(git -C "$tmp/clone" tag)" = "$tags_before" ] || fail "release.sh $* created tags while refusing"
}

clone
version=$(sed -n 's/.*cognito-auth-go\/core \(v[^ ]*\)$/\1/p' "$tmp/clone/ginauth/go.mod" | head -1)
[ -n "$version" ] || fail "ginauth/go.mod does not require core"
remote_before=$(git -C "$tmp/clone" ls-remote --tags origin)

# 1. The current version: tags for every library module, core first, no commit.
head=$(git -C "$tmp/clone" rev-parse HEAD)
out=$(cd "$tmp/clone" && "$release" "$version" --skip-tests) || fail "release.sh $version: $out"
[ "$(git -C "$tmp/clone" rev-parse HEAD)" = "$head" ] || fail "release.sh $version committed although nothing changed"
for m in "${libraries[@]}"; do
  [ "$(git -C "$tmp/clone" cat-file -t "refs/tags/$m/$version")" = tag ] || fail "no annotated tag $m/$version"
  [ "$(git -C "$tmp/clone" rev-parse "$m/$version^{commit}")" = "$head" ] || fail "$m/$version is not on HEAD"
done
[ "$(git -C "$tmp/clone" tag | wc -l)" -eq "${#libraries[@]}" ] || fail "unexpected tags: $(git -C "$tmp/clone" tag)"
first=$(grep -m1 'tagged ' <<<"$out" | awk '{print $2}')
[ "$first" = "core/$version" ] || fail "first tag is $first, want core/$version"
grep -q "git push origin .*core/$version" <<<"$out" || fail "no git push command printed"
[ "$(git -C "$tmp/clone" ls-remote --tags origin)" = "$remote_before" ] || fail "release.sh pushed tags"
echo "release_test: $version tagged $(git -C "$tmp/clone" tag | tr '\n' ' ')"

# 2. Refusals.
expect_refusal "already exists" "$version" --skip-tests
git -C "$tmp/clone" tag -l | xargs -r git -C "$tmp/clone" tag -d >/dev/null
expect_refusal 'has no "## \[0.9.9\]" entry' v0.9.9 --skip-tests
expect_refusal "not a semantic version" v1.2 --skip-tests
expect_refusal "major versions 2 and up" v2.0.0 --skip-tests
echo "dirt" >>"$tmp/clone/README.md"
expect_refusal "not clean" "$version" --skip-tests
git -C "$tmp/clone" checkout -q README.md
sed -i 's/\(cognito-auth-go\/core\) v[^ ]*$/\1 v0.0.0/' "$tmp/clone/ginauth/go.mod"
git -C "$tmp/clone" commit -q -am "ginauth back to v0.0.0"
expect_refusal "ginauth/go.mod requires github.com/cognitoauth/cognito-auth-go/core v0.0.0" "$version" --skip-tests

# 3. A new version: every sibling require bumped in one commit, tags on it.
clone
printf '\n## [0.99.0]\n\n- test entry\n' >>"$tmp/clone/CHANGELOG.md"
git -C "$tmp/clone" commit -q -am "changelog 0.99.0"
out=$(cd "$tmp/clone" && "$release" v0.99.0 --skip-tests) || fail "release.sh v0.99.0: $out"
[ "$(git -C "$tmp/clone" log -1 --format=%s)" = "release v0.99.0: modules require their siblings at v0.99.0" ] ||
  fail "no version bump commit"
[ -z "$(git -C "$tmp/clone" status --porcelain)" ] || fail "tree left dirty"
old=$(grep -rn "cognito-auth-go/[a-z]* v" "$tmp/clone"/*/go.mod | grep -v '=>' | grep -v 'v0.99.0' || true)
[ -z "$old" ] || fail "requires not bumped: $old"
grep -q "cognito-auth-go/core => ../core" "$tmp/clone/ginauth/go.mod" || fail "replace line lost"
for m in "${libraries[@]}"; do
  [ "$(git -C "$tmp/clone" rev-parse "$m/v0.99.0^{commit}")" = "$(git -C "$tmp/clone" rev-parse HEAD)" ] ||
    fail "$m/v0.99.0 is not on the bump commit"
done
echo "release_test: v0.99.0 bumped every sibling require in $(git -C "$tmp/clone" rev-parse --short HEAD) and tagged ${#libraries[@]} modules"
# 4. The compatibility gate: the version after a release may break the API
# only as a v0.x minor bump or a new major version. The breaking change is the
# removal of a function the test adds to ginauth (it stays independent of the
# library's real API); only ginauth changes, so only ginauth is compared.
clone
IFS=. read -r major minor patch <<<"${version#v}"
[ "$major" = 0 ] || fail "the compatibility case assumes a v0.x version, not $version"
v_patch="v0.$minor.$((patch + 1))" v_minor="v0.$((minor + 1)).0"
probe() { # probe NAME...: ginauth/release_probe.go declares func NAME() for each NAME
  { echo "package ginauth"; for f in "$@"; do printf '\n// %s is API for scripts/release_test.sh.\nfunc %s() {}\n' "$f" "$f"; done; } \
    >"$tmp/clone/ginauth/release_probe.go"
  git -C "$tmp/clone" add ginauth/release_probe.go
  git -C "$tmp/clone" commit -q -m "ginauth: release probe $*"
}
for v in "$v_patch" "$v_minor" v1.0.0 v1.1.0 v1.2.0; do printf '\n## [%s]\n\n- test entry\n' "${v#v}" >>"$tmp/clone/CHANGELOG.md"; done
git -C "$tmp/clone" commit -q -am "changelog entries for the compatibility case"
probe ReleaseTestProbe
out=$(cd "$tmp/clone" && "$release" "$version" --skip-tests) || fail "release.sh $version: $out"
grep -q "ginauth: no earlier tag ginauth/v\*: a first release" <<<"$out" || fail "no first-release note: $out"
probe # removes ReleaseTestProbe: a breaking change
expect_refusal "ginauth: $version -> $v_patch is a patch release below v1.*" "$v_patch" --skip-tests
expect_refusal "ReleaseTestProbe: removed" "$v_patch" --skip-tests
out=$(cd "$tmp/clone" && "$release" "$v_minor" --skip-tests 2>&1) || fail "release.sh $v_minor refused a v0.x minor bump: $out"
grep -q "ginauth: $version -> $v_minor is a minor bump below v1, which may break the API" <<<"$out" || fail "no note on the allowed break: $out"
echo "release_test: $v_patch refused (ReleaseTestProbe removed from ginauth), $v_minor tagged"
# From v1 on, a minor bump must not break the API either.
probe ReleaseTestProbe2
out=$(cd "$tmp/clone" && "$release" v1.0.0 --skip-tests 2>&1) || fail "release.sh v1.0.0: $out"
probe ReleaseTestProbe2 ReleaseTestAdded # an addition: compatible
out=$(cd "$tmp/clone" && "$release" v1.1.0 --skip-tests 2>&1) || fail "release.sh v1.1.0 refused a compatible change: $out"
grep -q "ginauth: compatible with ginauth/v1.0.0$" <<<"$out" || fail "ginauth was not compared with v1.0.0: $out"
probe ReleaseTestAdded # removes ReleaseTestProbe2
expect_refusal "ginauth: v1.1.0 -> v1.2.0 is a minor or patch release from v1 on" v1.2.0 --skip-tests
expect_refusal "ReleaseTestProbe2: removed" v1.2.0 --skip-tests
echo "release_test: v1.0.0 and v1.1.0 (an addition) tagged, v1.2.0 refused (ReleaseTestProbe2 removed)"
echo "release_test: ok"
