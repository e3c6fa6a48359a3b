#!/usr/bin/env bash
# Proves drift detection without the live API (docs/conformance.md, "Drift"):
#
#  1. records `workos-conformance --target live --record` against two workos-mock --tls servers,
#     reached like the live API (WORKOS_* variables, a CA file, no control plane):
#     - "same": the default configuration;
#     - "drifted": a deliberately different configuration (a second, trailing-slash redirect URI
#       is registered, so one request the suite expects to be refused succeeds; an organization
#       with a SAML connection, so the connection list and its pages hold other data and one more
#       page) and an injected fault that adds a member ("code") to the 404 of
#       GET /organizations/org_unknown;
#  2. greps both recordings for every API key, client secret, link token, code and access token
#     the servers handed out or accepted (read from GET /_mock/state after the runs);
#  3. compares each recording with the normal mock (`--target mock --compare`): "same" must show
#     no drift (exit 0); "drifted" must show exactly the differences the configuration and the
#     fault make (exit 1), in the table and in the JUnit file. The other data of the drifted
#     environment (a SAML connection, a third page) must not show: it is data, not drift.
#
#  4. with BASELINE: records the mock (--target mock --record), as docs/conformance.md says to
#     refresh fixtures/conformance-mock-baseline.json, and checks that it gives that file's bytes.
#
#   conformance/run-drift-test.sh WORKOS_MOCK_BIN WORKOS_CONFORMANCE_BIN [BASELINE]
set -euo pipefail

mock_bin=$1
suite_bin=$2
baseline=${3:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/conformance-drift.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "run-drift-test: FAILED: $*" >&2
  exit 1
}

key=sk_test_workos_mock
client=client_workos_mock
redirect=http://localhost:3000/callback

cat >"$tmp/drifted.json" <<EOF
{"environments": [{
  "name": "default", "api_keys": ["$key"], "client_id": "$client",
  "redirect_uris": [{"uri": "$redirect", "default": true}, "$redirect/"],
  "organizations": [{"id": "org_drift", "name": "Drift", "domains": ["drift.example"]}],
  "connections": [{"id": "conn_drift", "type": "OktaSAML", "name": "Drift Okta",
                   "organization": "org_drift", "domains": ["drift.example"]}]
}]}
EOF

# start NAME [workos-mock options]: sets base_NAME.
start() {
  local name=$1
  shift
  "$mock_bin" --port 0 --tls --tls-cert-out "$tmp/$name.pem" --log off "$@" >"$tmp/$name.out" \
    2>"$tmp/$name.err" &
  pids+=($!)
  local line=
  for _ in $(seq 1 100); do
    line=$(head -n 1 "$tmp/$name.out" 2>/dev/null || true)
    [[ $line == *"listening on https://"* ]] && break
    sleep 0.1
  done
  [[ $line == *"listening on https://"* ]] || { cat "$tmp/$name.out" "$tmp/$name.err" >&2; fail "workos-mock ($name) did not start"; }
  printf -v "base_$name" '%s' "${line##*listening on }"
}

# control NAME METHOD PATH [JSON body]: the control plane of NAME's default environment.
control() {
  local base_var="base_$1"
  curl -fsS --cacert "$tmp/$1.pem" -X "$2" -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' ${4:+--data "$4"} "${!base_var}$3"
}

# record NAME: workos-conformance --target live --record $tmp/NAME.json against NAME.
record() {
  local base_var="base_$1"
  set +e
  env WORKOS_BASE_URL="${!base_var}" WORKOS_API_KEY=$key WORKOS_CLIENT_ID=$client \
    WORKOS_REDIRECT_URI=$redirect WORKOS_CA_FILE="$tmp/$1.pem" WORKOS_CONFORMANCE_SEND_EMAIL=1 \
    "$suite_bin" --target live --record "$tmp/$1.json" >"$tmp/record-$1.log" 2>&1
  local status=$?
  set -e
  tail -n 1 "$tmp/record-$1.log"
  grep -q "; recorded [0-9]* requests of 22 scenarios to $tmp/$1.json\$" "$tmp/record-$1.log" ||
    { cat "$tmp/record-$1.log" >&2; fail "no recording from $1"; }
  record_status=$status
}

# no_secrets NAME: nothing the server NAME handed out or accepted is in $tmp/NAME.json.
no_secrets() {
  local state
  state=$(control "$1" GET /_mock/state)
  local secrets=()
  mapfile -t secrets < <(
    grep -oE '"(token|code)":"[^"]+"' <<<"$state" | sed -E 's/^"[a-z]+":"(.*)"$/\1/' | sort -u)
  local links codes tokens
  links=$(grep -oE '"token":"[^"]+"' <<<"$state" | grep -vc '"token":"eyJ' || true)
  codes=$(grep -oE '"code":"[^"]+"' <<<"$state" | sort -u | wc -l)
  tokens=$(grep -oE '"token":"eyJ[^"]+"' <<<"$state" | wc -l)
  # The run made about 20 sessions, opened 9 links, exchanged 3 codes for access tokens; a grep
  # for nothing would prove nothing.
  ((links >= 15 && codes >= 5 && tokens >= 3)) ||
    fail "$1: too few secrets to look for ($links link tokens, $codes codes, $tokens access tokens)"
  # The key (also the client secret), and the HTTP Basic credential one scenario sends.
  secrets+=("$key" "$(printf '%s' "$client:$key" | base64 -w0)")
  for s in "${secrets[@]}"; do
    if grep -qF -- "$s" "$tmp/$1.json"; then fail "$1: the recording holds a secret (${s:0:6}...)"; fi
  done
  # Any key at all (the suite also sends deliberately wrong ones).
  if grep -nE 'sk_(test|live)_' "$tmp/$1.json" >&2; then fail "$1: an API key in the recording"; fi
  echo "run-drift-test: $1: none of ${#secrets[@]} secrets ($links link tokens, $codes codes, $tokens access tokens, the key) is in the recording"
}

# A recording that cannot be read is a usage error (2), before any mock starts.
set +e
"$suite_bin" --compare "$tmp/no-such-recording.json" >/dev/null 2>"$tmp/usage.err"
status=$?
set -e
((status == 2)) && grep -q 'cannot read the recording' "$tmp/usage.err" ||
  fail "--compare with a missing file: exit $status, not 2 with a message"

start same
start drifted --config "$tmp/drifted.json"
control drifted POST /_mock/faults '{"method": "GET", "path": "/organizations/org_unknown",
  "status": 404, "body": {"message": "Not Found", "code": "entity_not_found"}, "times": 100}' \
  >/dev/null

record same
((record_status == 0)) || { cat "$tmp/record-same.log" >&2; fail "the suite failed against the default mock"; }
record drifted
# The drifted server registers "$redirect/": the scenario that expects it refused fails.
grep -q '^workos-conformance: FAILED: redirect URI: one not on the allow-list is refused$' \
  "$tmp/record-drifted.log" || fail "the drifted configuration changed nothing the suite sees"
((record_status == 1)) || fail "recording against the drifted mock exited $record_status, not 1"

no_secrets same
no_secrets drifted
# The drifted environment's other data was seen (in the list and in the pages, one more page),
# so its absence from the report below means something.
saml='"$.data[].connection_type": {"type":"string","values":["MagicLink","OktaSAML"]}'
[[ $(grep -cF "$saml" "$tmp/drifted.json") == 2 ]] ||
  fail "the drifted recording does not show the SAML connection in the list and its pages"

# Identical mocks: no drift.
set +e
"$suite_bin" --target mock --mock-bin "$mock_bin" --compare "$tmp/same.json" \
  --drift-junit "$tmp/same.xml" >"$tmp/compare-same.log" 2>&1
status=$?
set -e
tail -n 1 "$tmp/compare-same.log"
((status == 0)) || { cat "$tmp/compare-same.log" >&2; fail "identical mocks: exit $status, not 0"; }
grep -q '^workos-conformance: drift against .*: none (64 requests of 22 scenarios match)$' \
  "$tmp/compare-same.log" || { cat "$tmp/compare-same.log" >&2; fail "identical mocks: drift reported"; }
grep -q 'tests="64" failures="0"' "$tmp/same.xml" || fail "identical mocks: JUnit file"

# The drifted recording against the normal mock: exactly these differences.
set +e
"$suite_bin" --target mock --mock-bin "$mock_bin" --compare "$tmp/drifted.json" \
  --drift-junit "$tmp/drifted.xml" >"$tmp/compare-drifted.log" 2>&1
status=$?
set -e
tail -n 1 "$tmp/compare-drifted.log"
((status == 1)) || { cat "$tmp/compare-drifted.log" >&2; fail "drifted: exit $status, not 1"; }
grep '^| ' "$tmp/compare-drifted.log" | tail -n +3 >"$tmp/rows"
redirect_scenario='redirect URI: one not on the allow-list is refused'
wildcard_scenario='redirect URI: wildcard and query string are refused'
unknown_scenario='unknown ids: sending an unknown session is 422, an unknown connection 404'
# The second registered URI shows in the 422 messages that list the allowed ones; the trailing-
# slash create succeeds where the normal mock refuses it; the fault's member is missing.
listed="is not one of this environment's redirect URIs (it must match exactly): '{redirect_uri}'"
cat >"$tmp/expected" <<EOF
| $redirect_scenario | POST /passwordless/sessions #1 | value of \$.errors[].code | string "redirect_uri '{origin}/callback' $listed, '{redirect_uri}/'" | string "redirect_uri '{origin}/callback' $listed" |
| $redirect_scenario | POST /passwordless/sessions #2 | status | 201 | 422 |
| $redirect_scenario | POST /passwordless/sessions #2 | missing member \$.email | string "{email}" | - |
| $redirect_scenario | POST /passwordless/sessions #2 | extra member \$.errors | - | array |
| $redirect_scenario | POST /passwordless/sessions #2 | missing member \$.expires_at | string "{timestamp}" | - |
| $redirect_scenario | POST /passwordless/sessions #2 | missing member \$.id | string "{id:passwordless_session}" | - |
| $redirect_scenario | POST /passwordless/sessions #2 | missing member \$.link | string "{origin}/passwordless/{link_token}/confirm" | - |
| $redirect_scenario | POST /passwordless/sessions #2 | extra member \$.message | - | string "Validation failed" |
| $redirect_scenario | POST /passwordless/sessions #2 | missing member \$.object | string "passwordless_session" | - |
| $wildcard_scenario | POST /passwordless/sessions #1 | value of \$.errors[].code | string "redirect_uri '{origin}/callback' $listed, '{redirect_uri}/'" | string "redirect_uri '{origin}/callback' $listed" |
| $wildcard_scenario | POST /passwordless/sessions #2 | value of \$.errors[].code | string "redirect_uri '{redirect_uri}?next=%2Fhome' $listed, '{redirect_uri}/'" | string "redirect_uri '{redirect_uri}?next=%2Fhome' $listed" |
| $unknown_scenario | GET /organizations/{id} #1 | missing member \$.code | string "entity_not_found" | - |
EOF
if ! diff -u "$tmp/expected" "$tmp/rows" >&2; then
  cat "$tmp/compare-drifted.log" >&2
  fail "drifted: the report does not name exactly the injected differences (diff above: - expected, + reported)"
fi
grep -q 'tests="64" failures="5"' "$tmp/drifted.xml" || fail "drifted: JUnit counts"
grep -q "<testcase classname=\"$unknown_scenario\" name=\"GET /organizations/{id} #1\">" \
  "$tmp/drifted.xml" || fail "drifted: JUnit test case of the fault"
grep -q 'missing member \$.code: recorded string &quot;entity_not_found&quot;, this run -' \
  "$tmp/drifted.xml" || fail "drifted: JUnit failure text"
echo "run-drift-test: the drifted recording differs in exactly the $(wc -l <"$tmp/rows") expected ways; identical mocks show no drift"

if [[ -n $baseline ]]; then
  "$suite_bin" --target mock --mock-bin "$mock_bin" --record "$tmp/baseline.json" \
    >"$tmp/baseline.log" 2>&1 || { cat "$tmp/baseline.log" >&2; fail "recording the mock failed"; }
  if ! cmp -s "$baseline" "$tmp/baseline.json"; then
    diff -u "$baseline" "$tmp/baseline.json" >&2 || true
    fail "$baseline is not what the mock records now (diff above); if the change is intended," \
      "refresh it: workos-conformance --record $baseline (docs/conformance.md, \"Our own baseline\")"
  fi
  echo "run-drift-test: recording the mock again gives $baseline byte for byte"
fi
