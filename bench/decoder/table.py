#!/usr/bin/python3
"""Markdown table of bench/decoder/run.sh results: one JSON object per line (a bandwidth object,
then one per peer and round). Medians over rounds; ratios against PyTorch; decode as a fraction of
the bandwidth bound for the weight bytes each peer holds in memory."""
import json
import statistics
import sys


def size(mb):
    return f"{mb / 1e3:.2f} GB" if mb >= 1e3 else f"{mb:.1f} MB"


def main(path):
    bandwidth, runs = None, {}
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            j = json.loads(line)
            if j.get("mode") == "bandwidth":
                bandwidth = j
            else:
                runs.setdefault(j["peer"], []).append(j)
    if bandwidth is None or not runs:
        sys.exit(f"table.py: {path} lacks the bandwidth line or peer runs")
    gbps = bandwidth["all_threads"]["median_gb_per_s"]
    first = next(iter(runs.values()))[0]
    print(f"Prompt {first['prompt_len']} tokens, {first['new_tokens']} new tokens greedy, batch 1, "
          f"{first['threads']} threads; medians of {min(len(rs) for rs in runs.values())} rounds.")
    print(f"Read bandwidth {gbps:.2f} GB/s (median; best {bandwidth['all_threads']['best_gb_per_s']:.2f}, "
          f"one thread {bandwidth.get('one_thread', bandwidth['all_threads'])['median_gb_per_s']:.2f}) over "
          f"{bandwidth['weight_parameters'] / 1e9:.3f} B parameters: decode bound "
          f"{bandwidth['bound_bf16_tokens_per_s']:.2f} tok/s with BF16 weights, "
          f"{bandwidth['bound_f32_tokens_per_s']:.2f} tok/s with F32.\n")

    med = {}
    for peer, rs in runs.items():
        med[peer] = {k: statistics.median(r[k] for r in rs)
                     for k in ("prefill_tokens_per_s", "decode_tokens_per_s", "peak_rss_mb", "weight_bytes_in_memory")}
        med[peer]["tokens"] = rs[-1]["tokens"]
    refs = [p for p in ("pytorch-f32", "pytorch-bf16") if p in med]
    head = ["peer", "prefill tok/s", "decode tok/s"]
    head += [f"prefill / decode vs {r}" for r in refs]
    head += ["weights in memory", "decode % of bound", "peak RSS", "same tokens as libhub"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for peer, m in med.items():
        bound = gbps * 1e9 / m["weight_bytes_in_memory"]
        row = [peer, f"{m['prefill_tokens_per_s']:.1f}", f"{m['decode_tokens_per_s']:.2f}"]
        for r in refs:
            row.append(f"{m['prefill_tokens_per_s'] / med[r]['prefill_tokens_per_s']:.2f}x / "
                       f"{m['decode_tokens_per_s'] / med[r]['decode_tokens_per_s']:.2f}x")
        row += [size(m["weight_bytes_in_memory"] / 1e6), f"{100 * m['decode_tokens_per_s'] / bound:.0f}%",
                size(m["peak_rss_mb"]),
                "yes" if "libhub" not in med or m["tokens"] == med["libhub"]["tokens"] else "no"]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "results.jsonl")
