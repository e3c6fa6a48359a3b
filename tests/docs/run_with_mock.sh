#!/usr/bin/env bash
# run_with_mock.sh WORKOS_MOCK_BIN PROGRAM [ARGS...]: runs PROGRAM with WORKOS_BASE_URL,
# WORKOS_API_KEY and WORKOS_CLIENT_ID pointing at a fresh workos-mock (default environment).
set -euo pipefail
bin="$1"; shift
out=$(mktemp)
"$bin" --port 0 --log off > "$out" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 1 100); do grep -q listening "$out" && break; sleep 0.05; done
export WORKOS_BASE_URL=$(head -1 "$out" | sed 's/^workos-mock listening on //')
export WORKOS_API_KEY=sk_test_workos_mock WORKOS_CLIENT_ID=client_workos_mock
"$@"
