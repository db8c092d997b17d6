#!/usr/bin/env bash
# Installs what libhub needs on Debian 12 (apt packages, then the npm test peers), then
# configures and builds it in ./build. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake pkg-config git nodejs npm
  libcurl4-openssl-dev libssl-dev libsqlite3-dev libgit2-dev libmicrohttpd-dev
  nlohmann-json3-dev libcli11-dev catch2 libonig-dev libpcre2-dev libutf8proc-dev
  libsentencepiece-dev libopenblas-dev libopenblas-openmp-dev libabsl-dev clang-format clang
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from elsewhere than Debian (e.g. a newer Node already on PATH).
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs/}"); missing=("${missing[@]/npm/}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# The npm peers used by the tests, pinned by tests/js/package-lock.json.
if [ ! -d tests/js/node_modules ] || [ tests/js/package-lock.json -nt tests/js/node_modules ]; then
  echo "setup: installing npm test peers (tests/js)"
  npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
fi

BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
