#!/usr/bin/python3
"""Eager PyTorch LlamaForCausalLM, the peer of bench_decoder (run with /usr/bin/python3: Debian's torch).

    torch_llama.py --model DIR [--dtype bf16|f32] [--prompt-len 512 --new-tokens 128
                   --warmup 1 --runs 3 --threads N]
    torch_llama.py --model DIR --check DUMP      # DUMP from bench_decoder --dump; fails on mismatch

Reads config.json and model.safetensors (the header parsed here: 8-byte little-endian length +
JSON; BF16 through torch.frombuffer) and runs the Llama forward as transformers' modeling_llama
does in eager mode: RMSNorm in f32, every rope variant of transformers 5 (rope_inv_freq: default,
linear, dynamic, llama3, yarn, longrope; dynamic and longrope follow the largest position of each
pass, as transformers' dynamic_rope_update), grouped-query attention with a causal mask over a KV
cache preallocated for prompt + new tokens, SwiGLU MLP, tied or untied head. Logits are computed for the last
position only, as generate() does. Timing matches bench_decoder: prefill = prompt length / time to
the first token, decode = (new tokens - 1) / time from the first token to the last, medians over
--runs after --warmup generations of the full prompt and 4 new tokens. Prints one JSON object.
"""
import argparse
import json
import math
import mmap
import os
import resource
import statistics
import struct
import sys
import time

import torch
import torch.nn.functional as F

WARMUP_TOKENS = 4  # new tokens of a warmup generation, as bench_decoder (full prompt)
DTYPES = {"BF16": torch.bfloat16, "F16": torch.float16, "F32": torch.float32, "I32": torch.int32}


def prompt_ids(length, vocab):
    """The prompt of bench/decoder/common.h (prompt_id)."""
    return [(((s * 7919 + 101) * 2654435761) % (1 << 64) >> 8) % vocab for s in range(length)]


def read_safetensors(path):
    """name -> tensor, views into a private (copy-on-write) mapping of the file, as safetensors'
    safe_open maps it."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = DTYPES[info["dtype"]]
        count = math.prod(info["shape"])
        t = torch.frombuffer(data, dtype=dtype, count=count, offset=base + begin) if count else torch.empty(0, dtype=dtype)
        assert t.numel() * t.element_size() == end - begin, name
        out[name] = t.reshape(info["shape"])
    return out


def rope_parameters(config):
    """The rope dict in the transformers 5 layout (rope_parameters), from either config layout."""
    rope = dict(config.get("rope_parameters") or config.get("rope_scaling") or {})
    rope.setdefault("rope_theta", config.get("rope_theta", 10000.0))
    rope["rope_type"] = rope.get("rope_type", rope.get("type", "default"))
    if "original_max_position_embeddings" not in rope:
        rope["original_max_position_embeddings"] = config.get(
            "original_max_position_embeddings", config["max_position_embeddings"])
    return rope


def rope_inv_freq(config, seq_len):
    """(inv_freq, attention_scaling) of every rope variant transformers 5 implements, for a forward
    pass whose largest position is seq_len - 1 (dynamic and longrope depend on it)."""
    rope = rope_parameters(config)
    kind = rope["rope_type"]
    base = rope["rope_theta"]
    dim = config.get("head_dim") or config["hidden_size"] // config["num_attention_heads"]
    max_pos = config["max_position_embeddings"]
    original = rope["original_max_position_embeddings"]
    exponents = torch.arange(0, dim, 2, dtype=torch.int64).float() / dim
    inv_freq = 1.0 / (base ** exponents)
    if kind == "default":
        return inv_freq, 1.0
    if kind == "linear":
        return inv_freq / rope["factor"], 1.0
    if kind == "dynamic":
        # NTK-aware: past max_position_embeddings the base grows with the sequence.
        factor = rope["factor"]
        n = max(seq_len, max_pos)
        grown = base * ((factor * n / max_pos) - (factor - 1)) ** (dim / (dim - 2))
        return 1.0 / (grown ** exponents), 1.0
    if kind == "llama3":
        factor = rope["factor"]
        low, high = rope["low_freq_factor"], rope["high_freq_factor"]
        low_wavelen, high_wavelen = original / low, original / high
        wavelen = 2 * math.pi / inv_freq
        scaled = torch.where(wavelen > low_wavelen, inv_freq / factor, inv_freq)
        smooth = (original / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = (wavelen >= high_wavelen) & (wavelen <= low_wavelen)
        return torch.where(medium, smoothed, scaled), 1.0
    if kind == "yarn":
        factor = rope.get("factor") or max_pos / original

        def mscale_of(scale, m=1.0):
            return 1.0 if scale <= 1 else 0.1 * m * math.log(scale) + 1.0

        scaling = rope.get("attention_factor")
        if scaling is None:
            if rope.get("mscale") and rope.get("mscale_all_dim"):
                scaling = mscale_of(factor, rope["mscale"]) / mscale_of(factor, rope["mscale_all_dim"])
            else:
                scaling = mscale_of(factor)

        def correction_dim(rotations):
            return (dim * math.log(original / (rotations * 2 * math.pi))) / (2 * math.log(base))

        lo, hi = correction_dim(rope.get("beta_fast") or 32), correction_dim(rope.get("beta_slow") or 1)
        if rope.get("truncate", True):
            lo, hi = math.floor(lo), math.ceil(hi)
        lo, hi = max(lo, 0), min(hi, dim - 1)
        if lo == hi:
            hi += 0.001
        ramp = torch.clamp((torch.arange(dim // 2, dtype=torch.float32) - lo) / (hi - lo), 0, 1)
        keep = 1 - ramp  # the share of the original (extrapolated) frequency
        pos_freqs = base ** exponents
        return (1.0 / (factor * pos_freqs)) * (1 - keep) + (1.0 / pos_freqs) * keep, scaling
    if kind == "longrope":
        factor = rope.get("factor") or max_pos / original
        scaling = rope.get("attention_factor")
        if scaling is None:
            scaling = 1.0 if factor <= 1 else math.sqrt(1 + math.log(factor) / math.log(original))
        ext = rope["long_factor"] if seq_len > original else rope["short_factor"]
        return 1.0 / (torch.tensor(ext, dtype=torch.float32) * base ** exponents), scaling
    raise ValueError(f"rope_type {kind!r}")


def rms_norm(x, weight, eps):
    dtype = x.dtype
    h = x.float()
    h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + eps)
    return weight * h.to(dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Llama:
    def __init__(self, folder, dtype):
        with open(os.path.join(folder, "config.json")) as f:
            c = json.load(f)
        self.hidden = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.kv_heads = c.get("num_key_value_heads", self.heads)
        self.head_dim = c.get("head_dim") or self.hidden // self.heads
        self.layers = c["num_hidden_layers"]
        self.eps = c["rms_norm_eps"]
        self.vocab = c["vocab_size"]
        self.dtype = dtype
        self.config = c
        raw = read_safetensors(os.path.join(folder, "model.safetensors"))
        # BF16 as stored (what torch_dtype=torch.bfloat16 gives), or converted to f32.
        self.w = {k: (v if v.dtype == dtype else v.to(dtype)) for k, v in raw.items()}
        del raw
        self.embed = self.w["model.embed_tokens.weight"]
        self.head = self.w.get("lm_head.weight", self.embed)  # tie_word_embeddings

    def weight_bytes(self):
        seen = {}
        for t in self.w.values():
            seen[t.data_ptr()] = t.numel() * t.element_size()
        return sum(seen.values())

    def new_cache(self, capacity):
        shape = (1, self.kv_heads, capacity, self.head_dim)
        return [(torch.empty(shape, dtype=self.dtype), torch.empty(shape, dtype=self.dtype)) for _ in range(self.layers)]

    def rope(self, start, n):
        """cos/sin of positions start..start+n-1, for a pass whose largest position is start+n-1."""
        inv_freq, scaling = rope_inv_freq(self.config, start + n)
        positions = torch.arange(start, start + n, dtype=torch.float32)
        freqs = positions[:, None] * inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        return (emb.cos() * scaling).to(self.dtype), (emb.sin() * scaling).to(self.dtype)

    def attention(self, i, x, cache, start, cos, sin):
        p = f"model.layers.{i}.self_attn."
        n = x.shape[0]
        q = F.linear(x, self.w[p + "q_proj.weight"]).view(n, self.heads, self.head_dim).transpose(0, 1)
        k = F.linear(x, self.w[p + "k_proj.weight"]).view(n, self.kv_heads, self.head_dim).transpose(0, 1)
        v = F.linear(x, self.w[p + "v_proj.weight"]).view(n, self.kv_heads, self.head_dim).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        kc, vc = cache[i]
        kc[0, :, start : start + n] = k
        vc[0, :, start : start + n] = v
        total = start + n
        keys, values = kc[0, :, :total], vc[0, :, :total]  # [kv_heads, total, head_dim]
        groups = self.heads // self.kv_heads
        # Query heads grouped by their shared key/value head: [kv_heads, groups * n, head_dim].
        qg = q.reshape(self.kv_heads, groups * n, self.head_dim)
        scores = torch.matmul(qg, keys.transpose(1, 2)) * self.head_dim**-0.5
        if n > 1:
            rows = torch.arange(start, total).repeat(groups)[:, None]
            scores = scores.masked_fill(torch.arange(total)[None, :] > rows, float("-inf"))
        probs = torch.softmax(scores, dim=-1, dtype=torch.float32).to(self.dtype)
        out = torch.matmul(probs, values).reshape(self.heads, n, self.head_dim).transpose(0, 1).reshape(n, -1)
        return F.linear(out, self.w[p + "o_proj.weight"])

    def mlp(self, i, x):
        p = f"model.layers.{i}.mlp."
        gate = F.linear(x, self.w[p + "gate_proj.weight"])
        up = F.linear(x, self.w[p + "up_proj.weight"])
        return F.linear(F.silu(gate) * up, self.w[p + "down_proj.weight"])

    def step(self, ids, cache, start, all_logits=False):
        """Feeds ids (a 1-D tensor) at positions start..; returns f32 logits of the last (or every) position."""
        x = self.embed[ids]
        cos, sin = self.rope(start, ids.shape[0])
        for i in range(self.layers):
            p = f"model.layers.{i}."
            x = x + self.attention(i, rms_norm(x, self.w[p + "input_layernorm.weight"], self.eps), cache, start, cos, sin)
            x = x + self.mlp(i, rms_norm(x, self.w[p + "post_attention_layernorm.weight"], self.eps))
        x = rms_norm(x if all_logits else x[-1:], self.w["model.norm.weight"], self.eps)
        return F.linear(x, self.head).float()

    def generate(self, prompt, new_tokens, on_token=None):
        """Greedy tokens (no eos stop); on_token(id) after each is chosen."""
        cache = self.new_cache(len(prompt) + new_tokens)
        ids = torch.tensor(prompt, dtype=torch.long)
        start, out = 0, []
        for t in range(new_tokens):
            logits = self.step(ids, cache, start)
            token = int(torch.argmax(logits[-1]))
            out.append(token)
            if on_token:
                on_token(token)
            start += ids.shape[0]
            ids = torch.tensor([token], dtype=torch.long)
        return out


def timed_generate(model, prompt, new_tokens):
    stamps = []
    start = time.perf_counter()
    tokens = model.generate(prompt, new_tokens, lambda _: stamps.append(time.perf_counter()))
    prefill = len(prompt) / (stamps[0] - start)
    decode = (new_tokens - 1) / (stamps[-1] - stamps[0]) if new_tokens > 1 else 0.0
    return prefill, decode, tokens


def check(model, dump_path):
    d = read_safetensors(dump_path)
    prompt = d["input_ids"].tolist()
    want = d["tokens"].tolist()
    got = model.generate(prompt, len(want))
    cache = model.new_cache(len(prompt))
    logits = model.step(torch.tensor(prompt, dtype=torch.long), cache, 0, all_logits=True)
    diff = float((logits - d["logits"]).abs().max())
    scale = float(d["logits"].abs().max())
    report = {"check": dump_path, "dtype": str(model.dtype), "tokens_match": got == want,
              "logits_max_abs_diff": diff, "logits_max_abs": scale, "libhub_tokens": want, "torch_tokens": got}
    print(json.dumps(report))
    if model.dtype == torch.float32 and (got != want or diff > 1e-4 * max(1.0, scale)):
        sys.exit("torch_llama.py: MISMATCH between libhub and PyTorch (f32): see the report above")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--dtype", choices=["bf16", "f32"], default="bf16")
    ap.add_argument("--prompt-len", type=int, default=512)
    ap.add_argument("--new-tokens", type=int, default=128)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--check", help="bench_decoder --dump output to compare with (f32 must match exactly)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    dtype = torch.bfloat16 if a.dtype == "bf16" else torch.float32
    with torch.inference_mode():
        t0 = time.perf_counter()
        model = Llama(a.model, dtype)
        load_s = time.perf_counter() - t0
        if a.check:
            check(model, a.check)
            return
        prompt = prompt_ids(a.prompt_len, model.vocab)
        for _ in range(a.warmup):
            model.generate(prompt, min(a.new_tokens, WARMUP_TOKENS))
        prefill, decode, tokens = [], [], None
        for r in range(a.runs):
            p, d, t = timed_generate(model, prompt, a.new_tokens)
            if r and t != tokens:
                sys.exit("torch_llama.py: greedy tokens differ between runs")
            prefill.append(p)
            decode.append(d)
            tokens = t
    params = sum(t.numel() for t in {t.data_ptr(): t for t in model.w.values()}.values())
    print(json.dumps({
        "peer": "pytorch-" + a.dtype, "torch": torch.__version__, "dtype": a.dtype, "threads": a.threads,
        "prompt_len": a.prompt_len, "new_tokens": a.new_tokens, "warmup": a.warmup, "runs": a.runs,
        "load_s": load_s,
        "prefill_tokens_per_s": statistics.median(prefill), "decode_tokens_per_s": statistics.median(decode),
        "prefill_runs": prefill, "decode_runs": decode, "tokens": tokens,
        "weight_parameters": params, "weight_bytes_in_memory": model.weight_bytes(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6,
    }))


if __name__ == "__main__":
    main()
