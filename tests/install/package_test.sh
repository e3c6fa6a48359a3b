#!/usr/bin/env bash
# `cpack -G DEB` makes workos-mock_<version>_amd64.deb with the Debian runtime libraries as its
# Depends; its files, extracted with dpkg-deb -x (no installation), run a magic-link flow.
#
#   tests/install/package_test.sh BUILD_DIR VERSION
set -euo pipefail
build=$1 version=$2
tmp=$(mktemp -d)
mock_pid=
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "package_test: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1) ||
  fail "cpack failed: $(cat "$tmp/cpack.log")"
deb=$tmp/pkg/workos-mock_${version}_amd64.deb
[ -f "$deb" ] || fail "no $deb (made: $(ls "$tmp/pkg"))"
depends=$(dpkg-deb -f "$deb" Depends)
echo "package_test: Depends: $depends"
for lib in libc6 libstdc++6 libssl3 libcurl4 libcpp-httplib0.11; do
  grep -q "\b$lib\b" <<<"$depends" || fail "Depends lacks $lib"
done
dpkg-deb -c "$deb" >"$tmp/contents"
for f in ./usr/bin/workos-mock ./usr/bin/workos-client ./usr/bin/workos-conformance \
  ./usr/lib/libworkos_client.a ./usr/include/workos/workos.h \
  ./usr/share/workos-mock/fixtures/default.json; do
  grep -q " $f\$" "$tmp/contents" || fail "the package lacks $f"
done

dpkg-deb -x "$deb" "$tmp/root"
mock=$tmp/root/usr/bin/workos-mock
[ "$("$mock" --version)" = "workos-mock $version" ] || fail "the packaged --version is wrong"
"$mock" --port 0 --log off >"$tmp/mock.out" 2>"$tmp/mock.err" &
mock_pid=$!
for _ in $(seq 200); do
  grep -q listening "$tmp/mock.out" 2>/dev/null && break
  sleep 0.05
done
base=$(sed -n '1s/.*listening on //p' "$tmp/mock.out")
[ -n "$base" ] || fail "the packaged workos-mock did not start: $(cat "$tmp/mock.err")"
key="Authorization: Bearer sk_test_workos_mock"
id=$(curl -fsS -X POST "$base/passwordless/sessions" -H "$key" \
  -d '{"type":"MagicLink","email":"deb@example.com"}' | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
[ -n "$id" ] || fail "no session"
curl -fsS -X POST "$base/passwordless/sessions/$id/send" -H "$key" >/dev/null
link=$(curl -fsS "$base/_mock/outbox/latest?email=deb@example.com" -H "$key" |
  sed -n 's/.*"link":"\([^"]*\)".*/\1/p')
location=$(curl -sS -o /dev/null -w '%{redirect_url}' "$link")
code=$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' <<<"$location")
[ -n "$code" ] || fail "the link did not redirect with a code: $location"
profile=$(curl -fsS -X POST "$base/sso/token" -d client_id=client_workos_mock \
  -d client_secret=sk_test_workos_mock -d grant_type=authorization_code -d "code=$code")
grep -q '"email":"deb@example.com"' <<<"$profile" || fail "no profile: $profile"
echo "package_test: $(basename "$deb"): --version and a magic-link flow from the extracted files"
