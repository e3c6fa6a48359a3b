# Shared by scripts/run and scripts/test: install what is missing, then configure and build.
# Sourced, not executed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# The Debian packages the build needs (the project's chosen dependencies; README.md, top).
# Installed only when missing.
BUILD_PACKAGES=(libcpp-httplib-dev nlohmann-json3-dev libssl-dev catch2 libcurl4-openssl-dev
  cmake ninja-build g++ pkg-config)

ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing missing Debian packages: ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  # apt-get update only when an install fails from a stale index (keeps warm runs fast).
  if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2; then
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update >&2
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2
  fi
}

# configure_and_build BUILD_DIR BUILD_TYPE [cmake args...] -- [ninja targets...]
configure_and_build() {
  local dir="$1" type="$2"
  shift 2
  local cmake_args=() targets=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do cmake_args+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift
  targets=("$@")
  cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "${cmake_args[@]}" >/dev/null
  ninja -C "$dir" "${targets[@]}"
}
