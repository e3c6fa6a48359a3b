#!/usr/bin/env bash
# docs/ci.md's GitHub Actions job builds workos-mock and workos-client and nothing else (no test
# programs, no conformance suite): its cmake and ninja lines, run here as a dry run.
#
#   tests/docs/ci_recipe_test.sh SOURCE_DIR
set -euo pipefail
src=$1
doc=$src/docs/ci.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "ci_recipe_test: $*" >&2; exit 1; }

# The "Build workos-mock and workos-client" step: from its `run: |` to the next step.
step=$(awk '/- name: Build workos-mock and workos-client/ {on=1; next}
            on && /- name:/ {exit} on' "$doc")
configure=$(sed -n '/cmake -S/,/BUILD_TESTS=OFF/p' <<<"$step" | tr -d '\\\n' | tr -s ' ')
build=$(grep -o 'ninja -C [^ ]* .*' <<<"$step")
[ -n "$configure" ] && [ -n "$build" ] || fail "no cmake/ninja lines in docs/ci.md's build step"
configure=${configure//.workos-mock/$src}
configure=${configure//\/tmp\/wm/$tmp/wm}
build=${build//\/tmp\/wm/$tmp/wm}
eval "$configure" >/dev/null
steps=$(eval "${build/ninja/ninja -n}")
echo "ci_recipe_test: '$build' runs $(wc -l <<<"$steps") build steps"
if grep -E 'tests/|conformance/|catch2' <<<"$steps"; then
  fail "the documented build compiles tests or the conformance suite"
fi
grep -q 'Linking CXX executable mock_server/workos-mock' <<<"$steps" || fail "no workos-mock"
grep -q 'Linking CXX executable client/workos-client' <<<"$steps" || fail "no workos-client"
