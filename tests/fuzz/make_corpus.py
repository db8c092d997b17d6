#!/usr/bin/env python3
"""Writes the seed corpus of the safetensors fuzz target (corpus/safetensors/).

Valid files of several layouts, then one malicious file per validation rule, then shard
indexes. Standard library only; rerun after changing it and commit the output.
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "safetensors")


def st(header, data_size=0, raw_header=None, pad=True):
    text = raw_header if raw_header is not None else json.dumps(header, separators=(",", ":")).encode()
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + bytes(i & 0xFF for i in range(data_size))


def t(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


seeds = {
    # valid
    "valid_empty": st({}),
    "valid_metadata_only": st({"__metadata__": {"format": "pt"}}),
    "valid_f32": st({"__metadata__": {"format": "pt"}, "w": t("F32", [2, 3], 0, 24)}, 24),
    "valid_mixed": st({"a": t("I64", [2], 0, 16), "b": t("BF16", [2, 2], 16, 24), "c": t("F16", [3], 24, 30),
                       "d": t("F8_E4M3", [2], 30, 32), "e": t("F8_E5M2", [1], 32, 33), "f": t("BOOL", [1], 33, 34),
                       "g": t("F4", [4], 34, 36), "h": t("F64", [], 36, 44), "i": t("C64", [1], 44, 52)}, 52),
    "valid_zero_size": st({"z": t("F32", [0, 4], 0, 0), "u": t("U8", [2], 0, 2)}, 2),
    "valid_unordered": st({"second": t("U16", [2], 4, 8), "first": t("U32", [1], 0, 4)}, 8),
    "valid_unicode_name": st({"embed.\u00e9\u4e2d": t("U8", [1], 0, 1)}, 1),
    "valid_null_metadata": st(None, 0, raw_header=b'{"__metadata__":null}'),
    # header length rules
    "bad_too_short": b"\x01\x02\x03",
    "bad_header_cap": struct.pack("<Q", 100_000_001) + b"{}",
    "bad_header_max_u64": b"\xff" * 8 + b"{}",
    "bad_header_past_end": struct.pack("<Q", 64) + b"{}",
    "bad_pickle": open(os.path.join(HERE, "..", "fixtures", "repos", "libhub", "evil_bin", "pytorch_model.bin"), "rb").read(),
    # header text rules
    "bad_utf8": st(None, raw_header=b'{"a\xff":{}}'),
    "bad_surrogate": st(None, raw_header=b'{"\xed\xa0\x80":{}}'),
    "bad_json": st(None, raw_header=b'{"a": '),
    "bad_not_object": st([1, 2]),
    "bad_duplicate_tensor": st(None, 2, raw_header=b'{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},'
                                                   b'"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}'),
    "bad_duplicate_field": st(None, 1, raw_header=b'{"a":{"dtype":"U8","dtype":"F32","shape":[1],"data_offsets":[0,1]}}'),
    "bad_deep_nesting": st(None, raw_header=b"[" * 5000 + b"]" * 5000),
    "bad_trailing_nul": st(None, raw_header=b"{}\x00\x00\x00\x00\x00\x00", pad=False),
    # entry rules
    "bad_unknown_dtype": st({"w": t("F128", [1], 0, 16)}, 16),
    "bad_dtype_type": st({"w": {"dtype": 4, "shape": [1], "data_offsets": [0, 1]}}, 1),
    "bad_negative_shape": st({"w": t("F32", [-1], 0, 4)}, 4),
    "bad_float_shape": st(None, 4, raw_header=b'{"w":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}'),
    "bad_huge_shape": st(None, 4, raw_header=b'{"w":{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,4]}}'),
    "bad_offsets_arity": st({"w": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1, 2]}}, 2),
    "bad_missing_offsets": st({"w": {"dtype": "U8", "shape": [1]}}, 1),
    # offset rules
    "bad_not_from_zero": st({"w": t("U8", [4], 4, 8)}, 8),
    "bad_gap": st({"a": t("U8", [4], 0, 4), "b": t("U8", [4], 6, 10)}, 10),
    "bad_overlap": st({"a": t("U8", [4], 0, 4), "b": t("U8", [4], 2, 6)}, 6),
    "bad_same_bytes": st({"a": t("U8", [4], 0, 4), "b": t("U8", [4], 0, 4)}, 4),
    "bad_end_before_begin": st({"w": t("U8", [0], 4, 0)}, 4),
    # size rules
    "bad_size_mismatch": st({"w": t("F32", [2, 3], 0, 12)}, 12),
    "bad_shape_overflow": st({"w": t("F32", [4294967296, 4294967296], 0, 4)}, 4),
    "bad_bits_wrap_to_zero": st({"w": t("U64", [2305843009213693952], 0, 0)}),
    "bad_f4_half_byte": st({"w": t("F4", [3], 0, 2)}, 2),
    "bad_trailing_data": st({"w": t("U8", [4], 0, 4)}, 5),
    "bad_truncated_data": st({"w": t("F32", [1000000], 0, 4000000)}, 16),
    # metadata rules
    "bad_metadata_array": st({"__metadata__": ["a"]}),
    "bad_metadata_number": st({"__metadata__": {"format": 1}}),
    # shard indexes (the target parses every input as an index too)
    "index_valid": json.dumps({"metadata": {"total_size": 8}, "weight_map": {"a": "model-00001-of-00002.safetensors",
                                                                          "b": "shards/model-00002-of-00002.safetensors"}}).encode(),
    "index_dotdot": json.dumps({"weight_map": {"a": "../outside.safetensors"}}).encode(),
    "index_absolute": json.dumps({"weight_map": {"a": "/etc/passwd"}}).encode(),
    "index_backslash": json.dumps({"weight_map": {"a": "..\\x.safetensors"}}).encode(),
    "index_nul": b'{"weight_map":{"a":"x\\u0000.safetensors"}}',
    "index_not_string": json.dumps({"weight_map": {"a": 1}}).encode(),
    "index_no_map": json.dumps({"metadata": {}}).encode(),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in sorted(seeds.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(seeds)} seeds to {OUT}")


if __name__ == "__main__":
    main()
