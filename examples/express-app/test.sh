#!/usr/bin/env bash
# Runs the example app's tests against a workos-mock binary.
#
#   examples/express-app/test.sh path/to/workos-mock       (or WORKOS_MOCK_BIN=... test.sh)
#   WORKOS_MOCK_URL=http://127.0.0.1:4400 examples/express-app/test.sh   (a running mock)
#   examples/express-app/test.sh --install-only            (just the pinned npm packages)
#
# Installs the pinned packages (npm ci) when node_modules is missing or older than
# package-lock.json, then runs `node --test test/`.
set -euo pipefail

dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "express-app: '$tool' not found: install Node.js 20 or newer (with npm)" >&2
    exit 1
  fi
done
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "express-app: Node.js $(node --version) is too old; need 20 or newer" >&2
  exit 1
fi

# npm ci writes node_modules/.package-lock.json; it is the freshness marker.
marker="$dir/node_modules/.package-lock.json"
if [ ! -f "$marker" ] || [ "$dir/package-lock.json" -nt "$marker" ]; then
  echo "express-app: installing pinned packages (npm ci)" >&2
  (cd "$dir" && npm ci --no-audit --no-fund)
fi
[ "${1:-}" = "--install-only" ] && exit 0

bin=${1:-${WORKOS_MOCK_BIN:-}}
cd "$dir"
if [ -z "$bin" ] && [ -n "${WORKOS_MOCK_URL:-}" ]; then
  exec node --test test/   # against the running mock at WORKOS_MOCK_URL
fi
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "usage: $0 path/to/workos-mock (or set WORKOS_MOCK_BIN, or WORKOS_MOCK_URL of a running mock); '$bin' is not executable" >&2
  exit 2
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
WORKOS_MOCK_BIN=$bin exec node --test test/
