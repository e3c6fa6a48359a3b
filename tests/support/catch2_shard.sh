#!/usr/bin/env bash
# Runs one shard of a Catch2 program: every COUNT-th of its test cases (declared order), starting
# at INDEX (0-based), so that CTest can run the shards of a long program side by side. Together
# the shards run each test case exactly once; a shard fails when one of its test cases did not run.
#   catch2_shard.sh PROGRAM COUNT INDEX [Catch2 options...]
set -uo pipefail
prog=$1 count=$2 index=$3
shift 3
list=$(mktemp)
trap 'rm -f "$list" "$list.all" "$list.out"' EXIT
# Catch2 v2 exits with the number of names it listed: the names, not the status, are checked.
"$prog" --list-test-names-only >"$list.all"
# -f reads each line as a test spec, where , " [ ] \ * ~ mean something: all but letters, digits
# and spaces are escaped to stand for themselves.
awk -v n="$count" -v i="$index" 'NF { if (k++ % n == i) print }' "$list.all" |
  sed 's/[^A-Za-z0-9 ]/\\&/g' >"$list"
listed=$(wc -l <"$list")
if [ "$listed" -eq 0 ]; then
  echo "catch2_shard: shard $index of $count of $prog has no test cases" >&2
  exit 1
fi
echo "catch2_shard: shard $index of $count: $listed test cases"
rc=0
"$prog" -f "$list" "$@" 2>&1 | tee "$list.out" || rc=$?
# Catch2 exits 0 when a name matches nothing: every listed test case must have run.
if grep -q '^No test cases matched' "$list.out"; then
  echo "catch2_shard: a listed test case did not run (see 'No test cases matched' above)" >&2
  rc=1
# The summary reads "All tests passed (... in N test cases)", or "test cases: N | ..." when a
# [!shouldfail] case failed as expected.
elif ! grep -Eq "in $listed test cases?\)|^test cases: +$listed \|" "$list.out"; then
  echo "catch2_shard: the shard did not run its $listed test cases" >&2
  rc=1
fi
exit "$rc"
