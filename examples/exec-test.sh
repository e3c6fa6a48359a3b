#!/usr/bin/env bash
# `workos-mock exec` as a CI job uses it (docs/ci.md): the example app's whole test suite as the
# command, then a command that fails, whose status must come back unchanged.
#
#   examples/exec-test.sh path/to/workos-mock
set -euo pipefail
mock=$1
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$dir/express-app/test.sh" --install-only

# The documented command line, from the repository root.
cd "$dir/.."
"$mock" exec --log off -- \
  sh -c 'WORKOS_MOCK_URL="$WORKOS_BASE_URL" exec examples/express-app/test.sh'
echo "exec-test: the example app's suite passed under workos-mock exec"

set +e
"$mock" exec --log off -- sh -c 'curl -fsS "$WORKOS_BASE_URL/health" >/dev/null && exit 42'
status=$?
set -e
if [ "$status" -ne 42 ]; then
  echo "exec-test: a command exiting 42 made exec exit $status" >&2
  exit 1
fi
echo "exec-test: a failing command's status (42) came back unchanged"
