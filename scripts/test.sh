#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test: unit tests (Catch2) and loopback
# integration tests (Node's test runner against hub serve and the official JS client) under
# CTest, then the unit tests again in an ASan/UBSan build. Set HUB_SKIP_SANITIZE=1 to skip that.
set -euo pipefail
cd "$(dirname "$0")/.."
# The tested build treats warnings as errors (setup.sh passes CMAKE_ARGS to cmake).
CMAKE_ARGS="-DHUB_WERROR=ON ${CMAKE_ARGS:-}" scripts/setup.sh
if [ ! -d ../shared/data/tokenizers ]; then
  echo "note: ../shared/data/tokenizers is absent: tests that read real tokenizer files will say so."
fi
scripts/check_format.sh
(cd build && ctest --output-on-failure -j2 --timeout 900)

if [ "${HUB_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== ASan/UBSan build of the unit tests"
  # With clang, the libFuzzer targets (safetensors, tokenizer, regex) are built too and each
  # fuzzes for HUB_FUZZ_SECONDS (20 s) below, under ASan/UBSan, from its seed corpus.
  fuzz=OFF
  fuzz_targets=()
  if command -v clang++ >/dev/null; then fuzz=ON; fuzz_targets=(safetensors_fuzz tokenizer_fuzz regex_fuzz listing_snapshot_fuzz); fi
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DHUB_SANITIZE=ON -DHUB_FUZZ=$fuzz >/dev/null
  cmake --build build-asan -j"$(nproc)" --target hub_tests hub_cli safetensors_replay tokenizer_replay regex_replay listing_snapshot_replay \
    "${fuzz_targets[@]}"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 build-asan/bin/hub_tests
  # The loopback integration tests drive the sanitized hub binary. The tokenizer differential test
  # already ran above on the same code (under ASan it would take most of CI's time), and the serve
  # load test measures memory growth, which ASan's quarantine would swamp.
  (cd build-asan && ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure -R 'integration|fuzz' -E 'tokenizer_diff|serve_load' -j2 --timeout 900)
fi
