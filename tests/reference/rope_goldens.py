#!/usr/bin/python3
"""Writes tests/fixtures/rope/: reference outputs of the llama_medium fixture under every rope
variant, for tests/unit/models/rope_variants_test.cc. Run with Debian's PyTorch:

    /usr/bin/python3 tests/reference/rope_goldens.py

The forward pass is bench/decoder/torch_llama.py (eager PyTorch, f32, transformers 5's rope
definitions). Each variant rewrites llama_medium's rope_parameters (and max_position_embeddings)
so that the prompt, or the generation that follows it, crosses the variant's thresholds: dynamic
NTK grows its base past max_position_embeddings, longrope switches from short to long factors
past original_max_position_embeddings mid-generation. Output: rope_goldens.json (per variant: the
config changes, the prompt, the logits rows kept and the greedy tokens) and
rope_goldens.safetensors (the logits rows, float32).
"""
import json
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench", "decoder"))
import torch_llama  # noqa: E402

FIXTURE = os.path.join(ROOT, "tests", "fixtures", "repos", "libhub", "llama_medium")
OUT = os.path.join(ROOT, "tests", "fixtures", "rope")
PROMPT_LEN, NEW_TOKENS = 40, 16
ROWS = [0, 13, 27, PROMPT_LEN - 1]  # logits rows kept

HALF = 16  # llama_medium head_dim 32 / 2
VARIANTS = {
    "linear": {"rope_parameters": {"rope_type": "linear", "factor": 4.0, "rope_theta": 10000.0}},
    # max_position_embeddings 32: the prompt (40) and every generated step grow the base.
    "dynamic": {"max_position_embeddings": 32,
                "rope_parameters": {"rope_type": "dynamic", "factor": 2.0, "rope_theta": 10000.0}},
    "llama3": {"rope_parameters": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                   "high_freq_factor": 4.0, "original_max_position_embeddings": 64,
                                   "rope_theta": 500000.0}},
    "yarn": {"rope_parameters": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 64,
                                 "rope_theta": 10000.0}},
    # DeepSeek-style: mscale/mscale_all_dim give the attention factor, no truncation of the ramp.
    "yarn_mscale": {"rope_parameters": {"rope_type": "yarn", "factor": 8.0, "original_max_position_embeddings": 64,
                                        "mscale": 1.0, "mscale_all_dim": 0.5, "beta_fast": 16, "beta_slow": 2,
                                        "truncate": False, "rope_theta": 10000.0}},
    # No factor: max_position_embeddings / original_max_position_embeddings (256 / 64).
    "yarn_implicit_factor": {"max_position_embeddings": 256,
                             "rope_parameters": {"rope_type": "yarn", "original_max_position_embeddings": 64,
                                                 "rope_theta": 10000.0}},
    # Phi-3 style: original_max_position_embeddings at the top level; the prompt (40) stays
    # under 48 (short factors), generation crosses it (long factors from position 48 on).
    "longrope": {"max_position_embeddings": 192, "original_max_position_embeddings": 48,
                 "rope_parameters": {"rope_type": "longrope", "rope_theta": 10000.0,
                                     "short_factor": [1.0 + 0.05 * i for i in range(HALF)],
                                     "long_factor": [1.0 + 0.6 * i for i in range(HALF)]}},
}


def prompt_ids(vocab):
    return [1] + [(7 + 37 * i * i + 11 * i) % (vocab - 3) + 3 for i in range(PROMPT_LEN - 1)]


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main():
    with open(os.path.join(FIXTURE, "config.json")) as f:
        base_config = json.load(f)
    golden, tensors = {"fixture": "llama_medium", "rows": ROWS, "new_tokens": NEW_TOKENS, "variants": {}}, {}
    with torch.inference_mode():
        model = torch_llama.Llama(FIXTURE, torch.float32)
        prompt = prompt_ids(model.vocab)
        for name, changes in VARIANTS.items():
            config = dict(base_config)
            config.update(changes)
            model.config = config
            cache = model.new_cache(PROMPT_LEN)
            logits = model.step(torch.tensor(prompt), cache, 0, all_logits=True)
            tokens = model.generate(prompt, NEW_TOKENS)
            tensors[name] = logits[ROWS]
            golden["variants"][name] = {"config": changes, "prompt": prompt, "logits": name, "tokens": tokens}
            print(name, tokens)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "rope_goldens.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    write_safetensors(os.path.join(OUT, "rope_goldens.safetensors"), tensors)


if __name__ == "__main__":
    main()
