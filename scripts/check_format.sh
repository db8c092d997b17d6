#!/usr/bin/env bash
# Fails when a C++ source differs from what clang-format (.clang-format at the root) makes of it.
# scripts/check_format.sh --fix rewrites them instead.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cc' '*.h' '*.cu' '*.cuh')
if [ "${1:-}" = --fix ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/clang-format.$$; then
  grep -m 20 'warning:' /tmp/clang-format.$$ || true
  rm -f /tmp/clang-format.$$
  echo "check_format: sources not clang-formatted (run scripts/check_format.sh --fix)" >&2
  exit 1
fi
rm -f /tmp/clang-format.$$
echo "check_format: ${#files[@]} sources clang-formatted"
