#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then a project outside the tree that knows nothing
# but that prefix builds the README's C++ example against the installed client library, once
# with CMake (find_package(workos_client CONFIG) -> workos::client) and once with pkg-config,
# and runs it against the installed workos-mock.
#
#   tests/install/consumer_test.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
build=$1 src=$2 version=$3
tmp=$(mktemp -d)
mock_pid=
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "consumer_test: $*" >&2; exit 1; }

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/workos-mock bin/workos-client bin/workos-conformance lib/libworkos_client.a \
  include/workos/workos.h include/workos/version.h \
  lib/cmake/workos_client/workos_clientConfig.cmake \
  lib/cmake/workos_client/workos_clientConfigVersion.cmake lib/pkgconfig/workos-client.pc \
  share/workos-mock/fixtures/default.json share/workos-mock/fixtures/sso-multi-org.json \
  share/doc/workos-mock/README.md share/doc/workos-mock/docs/config.md; do
  [ -e "$prefix/$f" ] || fail "the install tree lacks $f"
done
# One version everywhere.
for bin in workos-mock workos-client workos-conformance; do
  got=$("$prefix/bin/$bin" --version)
  [ "$got" = "$bin $version" ] || fail "$bin --version printed '$got', not '$bin $version'"
done
# The SDK library is the SDK: the go-live checklist (process runner, secret scanner) is the CLI's
# own target, neither installed as a header nor linked into the library.
[ ! -e "$prefix/include/workos/golive.h" ] || fail "the install tree has the CLI's golive.h"
nm -C "$prefix/lib/libworkos_client.a" >"$tmp/lib.nm" || fail "nm cannot read libworkos_client.a"
if grep -q 'workos::golive::' "$tmp/lib.nm"; then
  fail "lib/libworkos_client.a carries workos::golive (it belongs to the CLI)"
fi
grep -q "#define WORKOS_CPP_VERSION \"$version\"" "$prefix/include/workos/version.h" ||
  fail "include/workos/version.h does not carry $version"

"$prefix/bin/workos-mock" --port 0 --log off >"$tmp/mock.out" 2>"$tmp/mock.err" &
mock_pid=$!
for _ in $(seq 200); do
  grep -q listening "$tmp/mock.out" 2>/dev/null && break
  sleep 0.05
done
port=$(sed -n '1s/.*:\([0-9]*\)$/\1/p' "$tmp/mock.out")
[ -n "$port" ] || fail "the installed workos-mock did not start: $(cat "$tmp/mock.err")"
export WORKOS_BASE_URL=http://127.0.0.1:$port WORKOS_API_KEY=sk_test_workos_mock \
  WORKOS_CLIENT_ID=client_workos_mock

consumer=$tmp/consumer
mkdir -p "$consumer"
cp "$src/tests/docs/readme_cpp_example.cc" "$consumer/main.cc"
cat >"$consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.18)
project(consumer CXX)
set(CMAKE_CXX_STANDARD 17)
find_package(workos_client 0.1 CONFIG REQUIRED)
add_executable(consumer main.cc)
target_link_libraries(consumer PRIVATE workos::client)
CMAKE
cmake -S "$consumer" -B "$consumer/build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$consumer/build" >/dev/null
out=$("$consumer/build/consumer") || fail "the CMake consumer failed: $out"
[ "$out" = "ann@example.com signed in" ] || fail "the CMake consumer printed '$out'"
echo "consumer_test: CMake consumer (find_package, workos::client): $out"

flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs workos-client)
# shellcheck disable=SC2086
g++ "$consumer/main.cc" -o "$consumer/pc-consumer" $flags
out=$("$consumer/pc-consumer") || fail "the pkg-config consumer failed: $out"
[ "$out" = "ann@example.com signed in" ] || fail "the pkg-config consumer printed '$out'"
echo "consumer_test: pkg-config consumer (g++ \$(pkg-config --cflags --libs workos-client)): $out"
