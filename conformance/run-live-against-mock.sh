#!/usr/bin/env bash
# Proves workos-conformance's live mode without the live API: starts workos-mock over HTTPS with a
# generated self-signed certificate, then runs `workos-conformance --target live` against it with
# only the WORKOS_* variables a real user would set (no control plane is used in live mode).
#
#   conformance/run-live-against-mock.sh [WORKOS_MOCK_BIN] [WORKOS_CONFORMANCE_BIN] [catch args...]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mock_bin=${1:-$here/../build/mock_server/workos-mock}
suite_bin=${2:-$here/../build/conformance/workos-conformance}
shift $(( $# >= 2 ? 2 : $# ))

tmp=$(mktemp -d "${TMPDIR:-/tmp}/conformance-live.XXXXXX")
mock_pid=
cleanup() {
  if [[ -n $mock_pid ]]; then
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$mock_bin" --port 0 --tls --tls-cert-out "$tmp/cert.pem" --log text >"$tmp/stdout" 2>"$tmp/stderr" &
mock_pid=$!

base=
for _ in $(seq 1 100); do
  line=$(head -n 1 "$tmp/stdout" 2>/dev/null || true)
  if [[ $line == *"listening on "* ]]; then
    base=${line##*listening on }
    break
  fi
  kill -0 "$mock_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z $base || $base != https://* ]]; then
  echo "run-live-against-mock: workos-mock did not start over HTTPS" >&2
  cat "$tmp/stdout" "$tmp/stderr" >&2
  exit 1
fi
echo "run-live-against-mock: workos-mock at $base, trusting $tmp/cert.pem"

set +e
env WORKOS_BASE_URL="$base" \
    WORKOS_API_KEY=sk_test_workos_mock \
    WORKOS_CLIENT_ID=client_workos_mock \
    WORKOS_REDIRECT_URI=http://localhost:3000/callback \
    WORKOS_CA_FILE="$tmp/cert.pem" \
    WORKOS_CONFORMANCE_SEND_EMAIL="${WORKOS_CONFORMANCE_SEND_EMAIL:-1}" \
    "$suite_bin" --target live "$@" | tee "$tmp/report"
status=${PIPESTATUS[0]}
set -e

if ! grep -q '^workos-conformance: target=live base=https://' "$tmp/report"; then
  echo "run-live-against-mock: no summary line from workos-conformance" >&2
  exit 1
fi
# Live mode must never touch the control plane (the mock logs one line per request on stderr).
if grep -E '^[A-Z]+ /_mock' "$tmp/stderr" >&2; then
  echo "run-live-against-mock: --target live used the control plane (above)" >&2
  exit 1
fi
echo "run-live-against-mock: $(grep -cE '^[A-Z]+ /' "$tmp/stderr") requests reached the mock, none to /_mock"
exit "$status"
