#!/usr/bin/env bash
# Runs every ```bash block of README.md, in order, against a fresh workos-mock, and checks what
# they print. Also starts the server the way the README says (scripts/run) when asked to.
#   readme_test.sh WORKOS_MOCK_BIN [--with-scripts-run]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"  # absolute: the tour runs elsewhere
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

start_server() {  # start_server COMMAND... ; sets PORT
  "$@" > "$work/out" 2> "$work/err" &
  # scripts/run may have to build first: allow it up to 10 minutes on a cold machine.
  for _ in $(seq 1 6000); do
    if head -1 "$work/out" 2>/dev/null | grep -q '^workos-mock listening on '; then break; fi
    sleep 0.1
  done
  PORT=$(head -1 "$work/out" | sed -n 's#^workos-mock listening on http://127.0.0.1:\([0-9]*\)$#\1#p')
  [ -n "$PORT" ] || { echo "server did not start: $(cat "$work/err")"; exit 1; }
}

if [ "${2:-}" = "--with-scripts-run" ]; then
  start_server "$ROOT/scripts/run" --port 0 --log off
  curl -fsS "http://127.0.0.1:$PORT/health" | grep -q '"ok"'
  echo "scripts/run: healthy on port $PORT"
  kill %1; wait %1 2>/dev/null || true
  exit 0
fi

start_server "$BIN" --port 0 --log off
# Extract the ```bash blocks; the README's port becomes the ephemeral one.
awk '/^```bash$/{on=1; next} /^```$/{on=0} on' "$ROOT/README.md" \
  | sed "s#http://127.0.0.1:4400#http://127.0.0.1:$PORT#g" > "$work/tour.sh"
[ "$(grep -c . "$work/tour.sh")" -gt 10 ] || { echo "README has no tour blocks"; exit 1; }
# From the repository's folder, as the README says (the SSO block reads fixtures/); the
# snapshot-testing block runs `workos-mock exec` itself: the binary under test is on PATH.
(cd "$ROOT" && PATH="$(dirname "$BIN"):$PATH" bash -euo pipefail "$work/tour.sh") > "$work/tour.out" 2>&1 || {
  echo "README tour failed:"; cat "$work/tour.out"; exit 1; }
cat "$work/tour.out"
check() { grep -q -- "$1" "$work/tour.out" || { echo "README tour: expected output '$1' missing"; exit 1; }; }
check '"object": "passwordless_session"'
check '"success":true'
check "http://localhost:3000/callback?code=[0-9A-Z]*&state=xyz"
check '"connection_type": "MagicLink"'
check '"ann@example.com"'
check '^302 http://localhost:3000/callback?error=access_denied&error_description=[^ ]*&state=xyz$'
check '"offset_seconds": 901'
check '"api_key": "sk_test_'
check '"mode":"prefetch"'
check '"outcome":"consumed"'
check '^user click: 302 http://localhost:3000/callback?error=access_denied&error_description='
check '^{"status":"ok"}$'
check '^{"success":true}$'
check '{"name":"sso","client_id":"client_workos_mock_sso"}'
check '^http://localhost:3000/callback?code=[0-9A-Z]*&state=s1$'
check '{"email":"ann@foo-corp.com","organization_id":"org_foo","connection_type":"OktaSAML"}'
check '^{"outcome":"signin_consent_denied","remaining":1}$'
check '^sign-in: http://localhost:3000/callback?error=signin_consent_denied&error_description=User%20cancelled%20the%20authentication%20request&error_uri=https%3A%2F%2Fworkos.com%2Fdocs%2Freference%2Fsso%2Fget-authorization-url%2Ferror-codes&state=s1$'
check '^{"status":"failed","error":"signin_consent_denied","source":"queued"}$'
check '^{"id":"passwordless_session_01KDVDNA00[0-9A-Z]\{16\}","expires_at":"2026-01-01T00:15:00.000Z"}$'
# The README's C++ snippet is the body of tests/docs/readme_cpp_example.cc (built and run by CTest).
sed -n '/README:BEGIN/,/README:END/p' "$ROOT/tests/docs/readme_cpp_example.cc" | sed '1d;$d;s/^  //' > "$work/cpp_expected"
awk '/^```cpp$/{on=1; next} /^```$/{on=0} on' "$ROOT/README.md" > "$work/cpp_readme"
diff -u "$work/cpp_expected" "$work/cpp_readme" || { echo "README's C++ snippet differs from tests/docs/readme_cpp_example.cc"; exit 1; }
echo "README tour: all blocks ran and printed what they promise"
