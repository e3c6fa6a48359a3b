#!/usr/bin/env bash
# The browser tests (the web inbox, the interactive IdP page): playwright-core (pinned in
# package-lock.json) drives Debian's chromium. Installs what is missing: chromium with apt-get,
# the npm packages with npm ci.
#   tests/browser/run.sh WORKOS_MOCK_BIN [SCREENSHOT_DIR [TEST_FILE]]   (default inbox.test.mjs)
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 path/to/workos-mock [screenshot-dir [test-file]]" >&2; exit 2; }
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shots=${2:-$(dirname "$bin")}
tests=${3:-inbox.test.mjs}
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ ! -x /usr/bin/chromium ]; then
  echo "browser test: installing chromium (apt-get)" >&2
  [ "$(id -u)" = 0 ] || { echo "browser test: FAIL: /usr/bin/chromium is missing and we are not root to apt-get it" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends chromium >&2 ||
    { apt-get -o DPkg::Lock::Timeout=300 update >&2 &&
      apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends chromium >&2; } ||
    { echo "browser test: FAIL: cannot install chromium with apt-get" >&2; exit 1; }
fi
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "browser test: FAIL: '$tool' not found (need Node.js 20+)" >&2; exit 1; }
done

marker=node_modules/.package-lock.json  # written by npm ci: the freshness marker
if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
  echo "browser test: installing pinned packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi

WORKOS_MOCK_BIN="$bin" SCREENSHOT_DIR="$shots" node --test "$tests"
