#!/usr/bin/env bash
# SMTP delivery end to end: a real SMTP sink (Debian's python3-aiosmtpd, installed here when
# missing), workos-mock started with --smtp-url pointing at it, a magic-link send, then the
# delivered message is parsed and the outbox entry must say "sent".
#   smtp_test.sh WORKOS_MOCK_BIN
set -euo pipefail
BIN="$1"
HERE="$(cd "$(dirname "$0")" && pwd)"
PY=/usr/bin/python3  # Debian's python: the one python3-aiosmtpd installs into (not pyenv's)

if ! dpkg -s python3-aiosmtpd >/dev/null 2>&1 || ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
  echo "smtp_test: installing python3-aiosmtpd (apt-get)" >&2
  [ "$(id -u)" = 0 ] || { echo "smtp_test: FAIL: python3-aiosmtpd is missing and we are not root to apt-get it" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends python3-aiosmtpd >&2 ||
    { apt-get -o DPkg::Lock::Timeout=300 update >&2 &&
      apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends python3-aiosmtpd >&2; } ||
    { echo "smtp_test: FAIL: cannot install python3-aiosmtpd with apt-get" >&2; exit 1; }
  "$PY" -c 'import aiosmtpd' || { echo "smtp_test: FAIL: aiosmtpd still not importable by $PY" >&2; exit 1; }
fi

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
wait_for() {  # wait_for FILE WHAT [LOG]
  for _ in $(seq 1 100); do [ -s "$1" ] && return 0; sleep 0.1; done
  echo "smtp_test: FAIL: $2" >&2; [ -z "${3:-}" ] || cat "$3" >&2; exit 1
}

mkdir "$work/mail"
"$PY" "$HERE/sink.py" "$work/smtp.port" "$work/mail" 2> "$work/sink.err" & pids+=($!)
wait_for "$work/smtp.port" "the SMTP sink did not start" "$work/sink.err"
SMTP_PORT=$(cat "$work/smtp.port")

"$BIN" --port 0 --log off --port-file "$work/mock.port" --smtp-url "smtp://127.0.0.1:$SMTP_PORT" \
  > "$work/mock.out" 2> "$work/mock.err" & pids+=($!)
wait_for "$work/mock.port" "workos-mock did not start" "$work/mock.err"
BASE="http://127.0.0.1:$(cat "$work/mock.port")"
KEY="Authorization: Bearer sk_test_workos_mock"

TO=ann@smtp.example
SESSION=$(curl -fsS "$BASE/passwordless/sessions" -H "$KEY" -H 'Content-Type: application/json' \
  -d "{\"type\":\"MagicLink\",\"email\":\"$TO\"}")
ID=$(echo "$SESSION" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
LINK=$(echo "$SESSION" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["link"])')
STATUS=$(curl -sS -o "$work/send.json" -w '%{http_code}' -X POST "$BASE/passwordless/sessions/$ID/send" \
  -H "$KEY" -H 'Content-Type: application/json' -d '{}')
[ "$STATUS" = 201 ] || { echo "smtp_test: FAIL: send answered $STATUS: $(cat "$work/send.json")"; exit 1; }

wait_for "$work/mail/1.eml" "no message reached the SMTP sink"
"$PY" "$HERE/check_message.py" "$work/mail/1.eml" "$TO" "$LINK"

curl -fsS "$BASE/_mock/outbox/latest?email=$TO" -H "$KEY" > "$work/outbox.json"
"$PY" - "$work/outbox.json" <<'PYEOF'
import json, sys
e = json.load(open(sys.argv[1]))
d = e.get("delivery")
if not d or d.get("status") != "sent" or "error" in d or not d.get("at"):
    print("smtp_test: FAIL: outbox delivery is %r" % (d,)); sys.exit(1)
print("smtp: outbox entry %s says delivery %s at %s" % (e["id"], d["status"], d["at"]))
PYEOF

# The sink goes away: the next send still answers 201 and the entry records the failure.
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
SESSION=$(curl -fsS "$BASE/passwordless/sessions" -H "$KEY" -d '{"type":"MagicLink","email":"bo@smtp.example"}')
ID=$(echo "$SESSION" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
STATUS=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$BASE/passwordless/sessions/$ID/send" -H "$KEY" -d '{}')
[ "$STATUS" = 201 ] || { echo "smtp_test: FAIL: send with the sink down answered $STATUS"; exit 1; }
curl -fsS "$BASE/_mock/outbox/latest?email=bo@smtp.example" -H "$KEY" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)["delivery"]
assert d["status"] == "failed" and d["error"], d
print("smtp: with the sink down the send is 201 and the outbox says: failed: " + d["error"])'
echo "smtp_test: PASS"
