#!/usr/bin/env bash
# Decoder inference benchmark (issue 6): libhub's AutoModel vs eager PyTorch on the same random
# Llama-3.2-1B-shaped BF16 checkpoint. Prints a markdown table of medians.
#
#   bench/decoder/run.sh [--dir DIR] [--runs 3] [--prompt-len 512] [--new-tokens 128] [--warmup 1]
#                        [--threads N] [--small] [--bf16]
#
# Builds nothing: expects build/bin/bench_decoder{,_gen} (BUILD=folder overrides build/). Steps:
#  1. correctness: a --small model (std 0.3, so greedy output varies); libhub's greedy tokens and
#     prompt logits must equal torch_llama.py's in f32, else the script stops;
#  2. writes the benchmark model into DIR once (--small: the tiny model, for smoke tests);
#  3. streaming read bandwidth (the decode bound);
#  4. R rounds; each runs every peer once, alternating (libhub, pytorch-f32[, pytorch-bf16]), each
#     run a fresh process doing --warmup generations then one timed generation;
#  5. table.py: medians over the rounds.
# --bf16 adds PyTorch with BF16 weights: torch 1.13's CPU BF16 GEMM (no AVX512-BF16 here) runs at
# ~1 GFLOP/s, so a 512-token prefill of the 1B model takes ~20 minutes; off by default.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${BUILD:-$root/build}/bin
py=/usr/bin/python3  # Debian's python3-torch; the pyenv python3 on PATH has no torch
dir=/tmp/libhub-bench-decoder
runs=3 prompt_len=512 new_tokens=128 warmup=1 threads=$(nproc) small=0 bf16=0
while [ $# -gt 0 ]; do
  case $1 in
    --dir) dir=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --prompt-len) prompt_len=$2; shift 2 ;;
    --new-tokens) new_tokens=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --small) small=1; shift ;;
    --bf16) bf16=1; shift ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
for b in bench_decoder bench_decoder_gen; do
  [ -x "$bin/$b" ] || { echo "run.sh: $bin/$b missing: cmake --build build --target $b" >&2; exit 2; }
done
mkdir -p "$dir"

echo "## correctness (small model, f32)" >&2
"$bin/bench_decoder_gen" --out "$dir/check" --small --std 0.3 >&2
"$bin/bench_decoder" --model "$dir/check" --dump "$dir/check/dump.safetensors" --prompt-len 32 --new-tokens 16 >&2
"$py" "$here/torch_llama.py" --model "$dir/check" --check "$dir/check/dump.safetensors" --dtype f32 >&2

model=$dir/llama-1b
[ "$small" = 1 ] && model=$dir/small
if [ ! -f "$model/config.json" ] || [ ! -f "$model/model.safetensors" ]; then
  echo "## generating $model" >&2
  if [ "$small" = 1 ]; then "$bin/bench_decoder_gen" --out "$model" --small >&2; else "$bin/bench_decoder_gen" --out "$model" >&2; fi
fi

results=$dir/results.jsonl
: >"$results"
echo "## bandwidth" >&2
"$bin/bench_decoder" --bandwidth --model "$model" --threads "$threads" --runs 5 | tee -a "$results" >&2

peers=(libhub pytorch-f32)
[ "$bf16" = 1 ] && peers+=(pytorch-bf16)
common=(--prompt-len "$prompt_len" --new-tokens "$new_tokens" --warmup "$warmup" --runs 1 --threads "$threads")
for ((r = 1; r <= runs; r++)); do
  for peer in "${peers[@]}"; do
    echo "## round $r/$runs: $peer ($(uptime | sed 's/.*load/load/'))" >&2
    case $peer in
      libhub) "$bin/bench_decoder" --model "$model" "${common[@]}" ;;
      pytorch-f32) "$py" "$here/torch_llama.py" --model "$model" --dtype f32 "${common[@]}" ;;
      pytorch-bf16) "$py" "$here/torch_llama.py" --model "$model" --dtype bf16 "${common[@]}" ;;
    esac | tee -a "$results" >&2
  done
done

"$py" "$here/table.py" "$results"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
