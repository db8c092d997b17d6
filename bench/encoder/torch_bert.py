#!/usr/bin/python3
"""The PyTorch peer of bench_encoder: transformers' BertModel math in plain eager PyTorch.

    /usr/bin/python3 bench/encoder/torch_bert.py --model DIR [--batch 32 --seq 128 --warmup 2
                                                 --runs 5 --threads N]
    /usr/bin/python3 bench/encoder/torch_bert.py --model DIR --check DUMP   # vs bench_encoder --dump

Weights come from the folder's model.safetensors, parsed here (the safetensors package is not
available) and mapped copy-on-write, so like libhub it holds no second copy of the F32 weights.
The timed mode prints the same JSON fields as bench_encoder; --check recomputes the last hidden
state of the input stored in DUMP and exits 3 when it differs from libhub's by more than --tol.
"""
import argparse
import json
import math
import mmap
import os
import resource
import struct
import sys
import time


def _threads_argument():
    """--threads, read before torch loads OpenBLAS (which sizes its thread pool once, at load)."""
    for i, a in enumerate(sys.argv):
        if a == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
    return str(os.cpu_count())


# torch's F.linear goes to Debian's libblas (OpenBLAS), threaded by OpenBLAS itself: give it the
# same thread count as torch.set_num_threads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", _threads_argument())
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
          "I32": torch.int32, "I64": torch.int64}


def read_safetensors(path):
    """name -> tensor, each a view of a private (copy-on-write) mapping of the file."""
    with open(path, "rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
    (header_len,) = struct.unpack("<Q", mapped[:8])
    header = json.loads(mapped[8:8 + header_len])
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = DTYPES[info["dtype"]]
        count = (end - begin) // torch.tensor([], dtype=dtype).element_size()
        flat = torch.frombuffer(mapped, dtype=dtype, count=count, offset=8 + header_len + begin)
        tensors[name] = flat.reshape(info["shape"])
    return tensors


def input_ids(batch, seq, vocab):
    """The ids of bench/encoder/common.h (input_id)."""
    mask64 = (1 << 64) - 1
    ids = [[((((b * 1000003 + s * 7919 + 101) * 2654435761) & mask64) >> 8) % vocab for s in range(seq)]
           for b in range(batch)]
    return torch.tensor(ids, dtype=torch.long)


class Bert:
    """transformers.BertModel (eager attention, absolute positions, erf GELU), inference only."""

    def __init__(self, folder):
        with open(os.path.join(folder, "config.json")) as f:
            self.config = json.load(f)
        if self.config.get("hidden_act", "gelu") != "gelu":
            raise SystemExit("torch_bert.py: only hidden_act gelu is implemented")
        self.w = read_safetensors(os.path.join(folder, "model.safetensors"))
        self.heads = self.config["num_attention_heads"]
        self.eps = self.config.get("layer_norm_eps", 1e-12)

    def linear(self, x, name):
        return F.linear(x, self.w[name + ".weight"], self.w[name + ".bias"])

    def norm(self, x, name):
        return F.layer_norm(x, x.shape[-1:], self.w[name + ".weight"], self.w[name + ".bias"], self.eps)

    def forward(self, ids, mask):
        w, (batch, seq) = self.w, ids.shape
        positions = torch.arange(seq)
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][positions] +
             w["embeddings.token_type_embeddings.weight"][torch.zeros_like(ids)])
        x = self.norm(x, "embeddings.LayerNorm")
        # get_extended_attention_mask: 0 where attended, the dtype's minimum where padded.
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        hidden = x.shape[-1]
        head_dim = hidden // self.heads

        def split(t):
            return t.view(batch, seq, self.heads, head_dim).transpose(1, 2)

        for i in range(self.config["num_hidden_layers"]):
            p = f"encoder.layer.{i}."
            q = split(self.linear(x, p + "attention.self.query"))
            k = split(self.linear(x, p + "attention.self.key"))
            v = split(self.linear(x, p + "attention.self.value"))
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(head_dim) + bias
            ctx = torch.matmul(torch.softmax(scores, dim=-1), v)
            ctx = ctx.transpose(1, 2).reshape(batch, seq, hidden)
            a = self.norm(self.linear(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            h = F.gelu(self.linear(a, p + "intermediate.dense"))
            x = self.norm(self.linear(h, p + "output.dense") + a, p + "output.LayerNorm")
        pooled = torch.tanh(self.linear(x[:, 0], "pooler.dense"))
        return x, pooled


def forward_flops(c, batch, seq):
    """bench/encoder/common.h forward_flops: matmul weights x tokens + QK^T and AV."""
    h, inter, layers = c["hidden_size"], c["intermediate_size"], c["num_hidden_layers"]
    return 2.0 * layers * (4 * h * h + 2 * h * inter) * batch * seq + layers * batch * 4.0 * seq * seq * h


def check(model, dump, tol):
    d = read_safetensors(dump)
    ids, mask = d["input_ids"].long(), d["attention_mask"].long()
    ours, _ = model.forward(ids, mask)
    theirs = d["last_hidden_state"]
    diff = (ours - theirs).abs().max().item()
    ok = diff <= tol and ours.shape == theirs.shape
    print(json.dumps({"check": "ok" if ok else "MISMATCH", "shape": list(theirs.shape), "max_abs_diff": diff,
                      "tolerance": tol, "max_abs_value": theirs.abs().max().item()}))
    return 0 if ok else 3


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--check", metavar="DUMP")
    ap.add_argument("--tol", type=float, default=1e-3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    start_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    start = time.perf_counter()
    model = Bert(args.model)
    load_ms = (time.perf_counter() - start) * 1e3
    with torch.inference_mode():
        if args.check:
            return check(model, args.check, args.tol)
        ids = input_ids(args.batch, args.seq, model.config["vocab_size"])
        mask = torch.ones_like(ids)
        for _ in range(args.warmup):
            model.forward(ids, mask)
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            out, _ = model.forward(ids, mask)
            times.append((time.perf_counter() - t0) * 1e3)
    times_sorted = sorted(times)
    n = len(times_sorted)
    med = times_sorted[n // 2] if n % 2 else (times_sorted[n // 2 - 1] + times_sorted[n // 2]) / 2
    flops = forward_flops(model.config, args.batch, args.seq)
    print(json.dumps({
        "peer": "pytorch", "torch": torch.__version__, "batch": args.batch, "seq": args.seq,
        "threads": torch.get_num_threads(), "warmup": args.warmup, "runs": args.runs, "load_ms": load_ms,
        "median_ms": med, "times_ms": times, "sequences_per_s": args.batch / (med / 1e3),
        "tokens_per_s": args.batch * args.seq / (med / 1e3), "gflop_per_forward": flops / 1e9,
        "gflops": flops / 1e9 / (med / 1e3),
        "weights_mb": os.path.getsize(os.path.join(args.model, "model.safetensors")) / 1e6,
        "start_rss_mb": start_rss_mb,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
