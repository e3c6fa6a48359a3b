#!/usr/bin/env bash
# Runs a command (the [lan] HTTP tests) where this machine has an IPv4 address outside
# 127.0.0.0/8, which a test needs to be a non-loopback client of a server bound to 0.0.0.0.
#
#   tests/http/with_lan_address.sh COMMAND [ARGS...]
#
#   1. the machine has such an address (any CI runner with a network): run COMMAND as is;
#   2. else, or with WORKOS_MOCK_TEST_NETNS=1: run it in a new user + network namespace
#      (`unshare -rn`, no privileges needed where unprivileged user namespaces are allowed) with
#      198.18.0.1/32 (RFC 2544 benchmarking range) added to its loopback interface;
#   3. else exit 77, which CTest (SKIP_RETURN_CODE) reports as a skipped test, with the reason.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

has_address() {
  if command -v ip >/dev/null; then
    ip -4 -o addr show up | awk '{split($4, a, "/"); if (a[1] !~ /^127\./) f = 1} END {exit !f}'
  else
    hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+(\.[0-9]+){3}$' | grep -vq '^127\.'
  fi
}

if [ "${WORKOS_MOCK_TEST_NETNS:-0}" != 1 ] && has_address; then
  exec "$@"
fi
if command -v unshare >/dev/null && command -v ip >/dev/null && unshare -rn true 2>/dev/null; then
  echo "with_lan_address: no usable address here; running in a network namespace with 198.18.0.1" >&2
  exec unshare -rn sh -c 'ip link set lo up && ip addr add 198.18.0.1/32 dev lo && exec "$@"' sh "$@"
fi
echo "with_lan_address: SKIPPED: this machine has no IPv4 address outside 127.0.0.0/8 and cannot" \
  "make one (unshare -rn: unprivileged user namespaces are not allowed here)" >&2
exit 77
