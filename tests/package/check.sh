#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds a consumer with find_package(libhub)
# and with pkg-config, and runs both.
set -euo pipefail
BUILD=$1; SRC=$2
PREFIX=$(mktemp -d); WORK=$(mktemp -d)
trap 'rm -rf "$PREFIX" "$WORK"' EXIT
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null
cmake -S "$SRC/tests/package" -B "$WORK/cmake" -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
cmake --build "$WORK/cmake" >/dev/null
# Without arguments the example prints its usage and exits 2: proof that it linked and ran.
out=$("$WORK/cmake/consumer" 2>&1 || true)
grep -q "usage: example_pull" <<<"$out" || { echo "find_package consumer did not run: $out"; exit 1; }
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig:$PREFIX/lib/x86_64-linux-gnu/pkgconfig"
c++ -o "$WORK/pc" "$SRC/examples/pull.cc" $(pkg-config --cflags --libs libhub) -Wl,-rpath,"$(pkg-config --variable=libdir libhub)"
out=$("$WORK/pc" 2>&1 || true)
grep -q "usage: example_pull" <<<"$out" || { echo "pkg-config consumer did not run: $out"; exit 1; }
# Every private dependency named in the .pc file resolves (a static link needs them all).
pkg-config --static --libs libhub >/dev/null || { echo "libhub.pc: a Requires.private module is not installed"; exit 1; }
for lib in onig pcre2-8 utf8proc sentencepiece; do
  grep -q -- "-l$lib" <<<"$(pkg-config --static --libs libhub)" || { echo "libhub.pc lacks $lib"; exit 1; }
done
# The sentiment example, a standalone find_package(libhub) project, on a fixture classifier.
cmake -S "$SRC/examples/sentiment" -B "$WORK/sentiment" -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
cmake --build "$WORK/sentiment" >/dev/null
out=$("$WORK/sentiment/sentiment" 2>&1 || true)
grep -q "usage: sentiment" <<<"$out" || { echo "sentiment example did not run: $out"; exit 1; }
out=$(HF_HUB_OFFLINE=1 "$WORK/sentiment/sentiment" "$SRC/tests/fixtures/repos/libhub/distilbert_sst2" \
      "I love this package delivery!")
# transformers: [{'label': 'POSITIVE', 'score': 0.6732365...}] for this text (golden.json).
grep -q "^POSITIVE	0.67323" <<<"$out" || { echo "sentiment example gave: $out"; exit 1; }
echo "find_package(libhub) and pkg-config consumers and the sentiment example built and ran"
