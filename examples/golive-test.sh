#!/usr/bin/env bash
# `workos-client golive` against the example Express app, as a CI job runs it:
#   workos-mock in the background, an environment whose redirect URI is the app's callback, the
#   app started with only WORKOS_API_KEY / WORKOS_CLIENT_ID / WORKOS_BASE_URL / PORT, the app's
#   sources in their own git repository, then
#   1. a production run with good settings: exit 0, an all-pass table (the app also handles the
#      error redirects), a valid JUnit file;
#   2. a run with an http:// redirect URI, a sk_test_ key and a committed .env: exit 1 and the
#      failing check ids in the table and the JUnit file;
#   3. the README's go-live command against naive-callback-app.js, whose callback crashes on
#      ?error=: exit 1, the lines the README shows, and the app process gone.
#
#   examples/golive-test.sh path/to/workos-mock path/to/workos-client
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 path/to/workos-mock path/to/workos-client" >&2; exit 2; }
mock_bin=$1
cli=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
app_dir=$here/express-app

"$app_dir/test.sh" --install-only

work=$(mktemp -d /tmp/golive-test.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "golive-test: FAILED: $*" >&2
  for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done
  exit 1
}

wait_for_file() {  # file, what
  for _ in $(seq 1 200); do
    [ -s "$1" ] && return 0
    sleep 0.1
  done
  fail "$2 did not start within 20 s"
}

# 1. workos-mock in the background, on an ephemeral port.
"$mock_bin" --port 0 --port-file "$work/mock.port" >"$work/mock.log" 2>&1 &
pids+=($!)
wait_for_file "$work/mock.port" workos-mock
MOCK_URL=http://127.0.0.1:$(cat "$work/mock.port")

# 2. An environment for the app, whose redirect URI is the app's callback.
APP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CALLBACK=http://127.0.0.1:$APP_PORT/callback
curl -sS -f -X POST "$MOCK_URL/_mock/environments" -H 'Content-Type: application/json' \
  -d "{\"redirect_uris\": [\"$CALLBACK\"]}" >"$work/env.json" || fail "cannot create an environment"
APP_KEY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api_key"])' "$work/env.json")
APP_CLIENT_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["client_id"])' "$work/env.json")

# 3. The app, configured only through its variables.
env -i PATH="$PATH" WORKOS_API_KEY="$APP_KEY" WORKOS_CLIENT_ID="$APP_CLIENT_ID" \
  WORKOS_BASE_URL="$MOCK_URL" PORT="$APP_PORT" node "$app_dir/app.js" >"$work/app.out" 2>"$work/app.log" &
pids+=($!)
wait_for_file "$work/app.out" "the example app"

# 4. The app's sources as the repository to scan (what a user's app repository holds).
repo=$work/repo
mkdir -p "$repo"
cp -r "$app_dir/app.js" "$app_dir/package.json" "$app_dir/package-lock.json" "$app_dir/.gitignore" \
  "$app_dir/test" "$repo/"
git -C "$repo" init -q
git -C "$repo" add -A
git -C "$repo" -c user.name=ci -c user.email=ci@example.com -c commit.gpgsign=false \
  commit -q -m "the example app"

# A production key for the checks, made up at run time (the app itself talks to the mock).
PROD_KEY=sk_live_$(python3 -c 'import secrets; print(secrets.token_urlsafe(30).replace("-", "x").replace("_", "y"))')

run_golive() {  # output prefix, extra args...
  local name=$1
  shift
  set +e
  env -u WORKOS_API_KEY -u WORKOS_CLIENT_ID -u WORKOS_BASE_URL -u WORKOS_REDIRECT_URI \
    WORKOS_MOCK_API_KEY="$APP_KEY" WORKOS_CLIENT_ID="$APP_CLIENT_ID" "$@" \
    >"$work/$name.out" 2>"$work/$name.err"
  local rc=$?
  set -e
  echo "==> $name (exit $rc)"
  cat "$work/$name.out"
  [ -s "$work/$name.err" ] && cat "$work/$name.err" >&2
  return $rc
}

no_key_printed() {  # file...
  for f in "$@"; do
    for k in "$PROD_KEY" "$APP_KEY"; do
      if grep -qF -- "$k" "$f"; then fail "$f contains an API key"; fi
    done
  done
}

validate_junit() {  # file, expected tests, expected failures
  python3 - "$@" <<'PY' || fail "JUnit file $1 is not what CI expects"
import sys, xml.etree.ElementTree as ET
path, tests, failures = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
root = ET.parse(path).getroot()
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert len(suites) == 1, suites
s = suites[0]
cases = s.findall("testcase")
assert len(cases) == tests == int(s.get("tests")), (len(cases), tests, s.get("tests"))
failed = [c for c in cases if c.find("failure") is not None]
skipped = [c for c in cases if c.find("skipped") is not None]
assert len(failed) == failures == int(s.get("failures")), (len(failed), failures)
assert len(skipped) == int(s.get("skipped"))
assert int(root.get("failures")) == failures
for c in cases:
    assert c.get("classname", "").startswith("golive.") and c.get("name") and c.get("time")
    f = c.find("failure")
    if f is not None:
        assert f.get("message") and f.get("type") and f.text.strip(), c.get("name")
print(f"{path}: valid JUnit, {tests} testcases, {failures} failures, {len(skipped)} skipped")
PY
}

# ---------------------------------------------------------------- 1. all pass
export PROD_WORKOS_API_KEY=$PROD_KEY
run_golive pass "$cli" golive \
  --redirect-uri https://app.example.com/callback \
  --kind production \
  --api-key-env PROD_WORKOS_API_KEY \
  --repo "$repo" \
  --callback-url "$CALLBACK" \
  --mock-url "$MOCK_URL" \
  --junit "$work/pass.xml" || fail "golive exited non-zero on the all-pass run"
grep -q "0 failed" "$work/pass.out" || fail "the all-pass table reports failures"
if grep -q '^FAIL' "$work/pass.out"; then fail "a check failed on the all-pass run"; fi
for id in redirect_uri.absolute redirect_uri.https redirect_uri.no_wildcard redirect_uri.no_query \
          redirect_uri.no_fragment redirect_uri.public api_key.present api_key.production \
          client_id.present repo.no_committed_secrets app.receives_redirects \
          app.handles_error_redirects; do
  grep -Eq "^PASS +$id " "$work/pass.out" || fail "$id did not pass"
done
grep -Eq "^SKIP +api_key.live " "$work/pass.out" || fail "api_key.live must be skipped without --live"
grep -q "exchanged the code at /sso/token (200)" "$work/pass.out" || fail "no code exchange seen"
grep -q "a used link (400), an expired link (400) and an SSO error (400) without exchanging a code" \
  "$work/pass.out" || fail "the example app did not answer the error redirects with its 400 page"
validate_junit "$work/pass.xml" 14 0
no_key_printed "$work/pass.out" "$work/pass.err" "$work/pass.xml"

# ---------------------------------------------------------------- 2. deliberately failing
printf 'WORKOS_API_KEY=%s\n' "$APP_KEY" >"$repo/.env"
git -C "$repo" add .env
git -C "$repo" -c user.name=ci -c user.email=ci@example.com -c commit.gpgsign=false \
  commit -q -m "oops: commit the .env"
export PROD_WORKOS_API_KEY=$APP_KEY   # a sk_test_ key where production needs sk_live_
rc=0
run_golive fail "$cli" golive \
  --redirect-uri http://app.example.com/callback \
  --api-key-env PROD_WORKOS_API_KEY \
  --repo "$repo" \
  --callback-url "$CALLBACK" \
  --mock-url "$MOCK_URL" \
  --junit "$work/fail.xml" || rc=$?
[ "$rc" -eq 1 ] || fail "golive should exit 1 when checks fail (got $rc)"
for id in redirect_uri.https api_key.production repo.no_committed_secrets; do
  grep -Eq "^FAIL +$id " "$work/fail.out" || fail "$id should have failed"
done
grep -Eq "^PASS +app.receives_redirects " "$work/fail.out" || fail "the app still receives redirects"
grep -Eq "^PASS +app.handles_error_redirects " "$work/fail.out" || fail "the app still handles errors"
grep -q "3 failed" "$work/fail.out" || fail "exactly three checks should fail"
grep -q "\.env: dotenv file is tracked" "$work/fail.out" || fail "the committed .env is not named"
validate_junit "$work/fail.xml" 14 3
python3 - "$work/fail.xml" <<'PY' || fail "the JUnit failures do not name the failed checks"
import sys, xml.etree.ElementTree as ET
failed = sorted(c.find("failure").get("type") for c in ET.parse(sys.argv[1]).iter("testcase")
                if c.find("failure") is not None)
assert failed == ["api_key.production", "redirect_uri.https", "repo.no_committed_secrets"], failed
PY
no_key_printed "$work/fail.out" "$work/fail.err" "$work/fail.xml"

# ---------------------------------------------------------------- 3. the README's crashing app
# naive-callback-app.js in the mock's default environment (the README's sk_test_workos_mock),
# on a free port standing in for the README's 3000.
NAIVE_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
curl -sS -f -X PUT "$MOCK_URL/_mock/redirect_uris" -H 'Authorization: Bearer sk_test_workos_mock' \
  -H 'Content-Type: application/json' \
  -d "{\"redirect_uris\": [\"http://localhost:$NAIVE_PORT/callback\"]}" >/dev/null \
  || fail "cannot register the naive app's callback"
env -i PATH="$PATH" WORKOS_API_KEY=sk_test_workos_mock WORKOS_CLIENT_ID=client_workos_mock \
  WORKOS_BASE_URL="$MOCK_URL" PORT="$NAIVE_PORT" node "$app_dir/naive-callback-app.js" \
  >"$work/naive.out" 2>"$work/naive.log" &
naive_pid=$!
pids+=($naive_pid)
wait_for_file "$work/naive.out" "naive-callback-app.js"

# The README's block, with its ports replaced, run from the repository root like the README does.
python3 - "$here/../README.md" "$work" <<'PY' || fail "README has no go-live command and output"
import pathlib, re, sys
text = pathlib.Path(sys.argv[1]).read_text()
section = text[text.index("## Go-live checklist"):]
cmd = re.search(r"^```sh\n(.*?)^```$", section, re.S | re.M).group(1)
out = re.search(r"^```text\n(.*?)^```$", section, re.S | re.M).group(1)
assert "workos-client golive" in cmd, cmd
pathlib.Path(sys.argv[2], "readme-golive.sh").write_text(cmd)
pathlib.Path(sys.argv[2], "readme-golive.expected").write_text(out)
PY
sed -i -e "s#localhost:3000#localhost:$NAIVE_PORT#g" -e "s#127.0.0.1:4400#${MOCK_URL#http://}#g" \
  "$work/readme-golive.sh" "$work/readme-golive.expected"
rc=0
(cd "$here/.." && PATH="$(cd "$(dirname "$cli")" && pwd):$PATH" \
  env -u WORKOS_BASE_URL -u WORKOS_MOCK_API_KEY -u WORKOS_REDIRECT_URI \
  bash -euo pipefail "$work/readme-golive.sh") >"$work/readme.out" 2>"$work/readme.err" || rc=$?
echo "==> README go-live command (exit $rc)"
cat "$work/readme.out"
[ "$rc" -eq 1 ] || fail "golive should exit 1 for the crashing app (got $rc): $(cat "$work/readme.err")"
python3 - "$work/readme-golive.expected" "$work/readme.out" <<'PY' || fail "golive's output lacks a line the README shows"
import re, sys
expected = [l for l in open(sys.argv[1]).read().splitlines() if l.strip() not in ("", "…")]
actual = open(sys.argv[2]).read().splitlines()
i = 0
for line in expected:
    pattern = re.escape(line).replace("…", ".*")
    pattern = re.sub(r"(\\ )+", " +", pattern)  # table padding differs with the port
    while i < len(actual) and not re.fullmatch(pattern, actual[i]):
        i += 1
    if i == len(actual):
        sys.exit(f"README line not in golive's output (in order): {line!r}")
    i += 1
print(f"README go-live output: {len(expected)} lines found in order")
PY
# The crash was real: the app's process is gone, ended by the unhandled rejection.
for _ in $(seq 1 50); do kill -0 "$naive_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$naive_pid" 2>/dev/null; then fail "naive-callback-app.js is still running"; fi
grep -q "OauthException" "$work/naive.log" || fail "the naive app did not die of the failed exchange"
no_key_printed "$work/readme.out" "$work/readme.err"

echo "golive-test: all-pass run, failing run and the README's crashing app behave"
