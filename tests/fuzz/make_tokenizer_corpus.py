#!/usr/bin/env python3
"""Writes the seed corpus of the tokenizer fuzz target (corpus/tokenizer/).

Small valid tokenizer.json files (copies of tests/fixtures/tokenizers-trained) of each model
type, then malformed variants of them: one broken field per file, each of which the loader must
refuse with hub::Error or load and encode without crashing. Standard library only; rerun after
changing it and commit the output.
"""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINED = os.path.join(HERE, "..", "fixtures", "tokenizers-trained")
OUT = os.path.join(HERE, "corpus", "tokenizer")


def load(name):
    with open(os.path.join(TRAINED, name), encoding="utf-8") as f:
        return json.load(f)


def dump(doc):
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def added(content, i):
    return {"id": i, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}


def template(cls, sep):
    def tok(t, n):
        return {"SpecialToken": {"id": t, "type_id": n}}

    def seq(s, n):
        return {"Sequence": {"id": s, "type_id": n}}
    return {"type": "TemplateProcessing", "single": [tok(cls, 0), seq("A", 0), tok(sep, 0)],
            "pair": [tok(cls, 0), seq("A", 0), tok(sep, 0), seq("B", 1), tok(sep, 1)],
            "special_tokens": {cls: {"id": cls, "ids": [1], "tokens": [cls]},
                               sep: {"id": sep, "ids": [2], "tokens": [sep]}}}


# Small hand-made documents of each model type, the bases of the malformed variants.
wp = {"version": "1.0", "truncation": None, "padding": None,
      "added_tokens": [added("[UNK]", 0), added("[CLS]", 1), added("[SEP]", 2)],
      "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                     "strip_accents": None, "lowercase": True},
      "pre_tokenizer": {"type": "BertPreTokenizer"},
      "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                "max_input_chars_per_word": 100,
                "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "h": 3, "##e": 4, "##l": 5, "##o": 6, "hello": 7,
                          "w": 8, "##or": 9, "##ld": 10, "!": 11}},
      "post_processor": template("[CLS]", "[SEP]"),
      "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True}}
bpe = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [added("<|endoftext|>", 0)],
       "normalizer": None,
       "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
       "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                 "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                 "vocab": {"<|endoftext|>": 0, "h": 1, "e": 2, "l": 3, "o": 4, "he": 5, "ll": 6, "hell": 7,
                           "hello": 8, "Ġ": 9, "w": 10, "Ġw": 11},
                 "merges": [["h", "e"], ["l", "l"], ["he", "ll"], ["hell", "o"], ["Ġ", "w"]]},
       "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
       "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True}}
uni = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [added("<unk>", 0)],
       "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Replace",
                      "pattern": {"Regex": " {2,}"}, "content": " "}]},
       "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
       "model": {"type": "Unigram", "unk_id": 0, "byte_fallback": False,
                 "vocab": [["<unk>", 0.0], ["▁", -2.5], ["▁hello", -3.1], ["h", -4.0], ["e", -4.2],
                           ["l", -4.1], ["o", -4.3], ["▁w", -5.0], ["or", -5.5], ["ld", -5.6]]},
       "post_processor": None,
       "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True}}


def variant(doc, edit):
    d = copy.deepcopy(doc)
    edit(d)
    return dump(d)


def set_key(path, value):
    def edit(d):
        node = d
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
    return edit


def delete(path):
    def edit(d):
        node = d
        for k in path[:-1]:
            node = node[k]
        del node[path[-1]]
    return edit


def nested_sequences(doc, depth):
    # Written as text: json.dumps would recurse too deep.
    d = copy.deepcopy(doc)
    d["normalizer"] = "@@"
    inner = '{"type":"Sequence","normalizers":[' * depth + '{"type":"Lowercase"}' + "]}" * depth
    return dump(d).replace(b'"@@"', inner.encode())


seeds = {
    # valid
    "valid_trained_wordpiece.json": dump(load("trained_wp2.json")),
    "valid_trained_unigram.json": dump(load("trained_uni.json")),
    "valid_trained_bpe.json": dump(load("trained_gpt2.json")),
    "valid_wordpiece.json": dump(wp),
    "valid_unigram.json": dump(uni),
    "valid_bpe.json": dump(bpe),
    "valid_truncation_padding.json": variant(wp, lambda d: d.update(
        truncation={"max_length": 6, "strategy": "LongestFirst", "stride": 2, "direction": "Left"},
        padding={"strategy": {"Fixed": 12}, "direction": "Left", "pad_to_multiple_of": 8, "pad_id": 0,
                 "pad_type_id": 0, "pad_token": "[PAD]"})),
    "valid_untyped_model.json": variant(wp, delete(["model", "type"])),
    # malformed: the loader must refuse each with hub::Error
    "bad_truncated.json": dump(wp)[:400],
    "bad_not_object.json": b"[1, 2, 3]",
    "bad_no_model.json": variant(wp, delete(["model"])),
    "bad_version.json": variant(wp, set_key(["version"], "2.0")),
    "bad_model_type.json": variant(wp, set_key(["model", "type"], "Bogus")),
    "bad_vocab_type.json": variant(wp, set_key(["model", "vocab"], [1, 2])),
    "bad_merge.json": variant(bpe, lambda d: d["model"]["merges"].__setitem__(3, "zzqq qqzz")),
    "bad_merge_shape.json": variant(bpe, lambda d: d["model"]["merges"].__setitem__(0, ["a"])),
    "bad_unigram_score.json": variant(uni, lambda d: d["model"]["vocab"].__setitem__(5, ["x", "high"])),
    "bad_unk_id.json": variant(uni, set_key(["model", "unk_id"], 10 ** 9)),
    "bad_added_token.json": variant(wp, lambda d: d["added_tokens"][0].pop("special")),
    "bad_normalizer.json": variant(wp, set_key(["normalizer"], {"type": "Sequence", "normalizers": [{"type": "Bogus"}]})),
    "bad_regex.json": variant(wp, set_key(["pre_tokenizer"], {"type": "Split", "pattern": {"Regex": "("},
                                                              "behavior": "Isolated", "invert": False})),
    "bad_template_ref.json": variant(wp, lambda d: d["post_processor"]["single"].append(
        {"SpecialToken": {"id": "[NOPE]", "type_id": 0}})),
    "bad_strategy.json": variant(wp, set_key(["truncation"], {"max_length": 4, "strategy": "Sideways", "stride": 0})),
    "bad_stride.json": variant(wp, set_key(["truncation"], {"max_length": 4, "strategy": "LongestFirst", "stride": 9})),
    "bad_max_length_zero.json": variant(wp, set_key(["truncation"], {"max_length": 0, "strategy": "OnlySecond",
                                                                    "stride": 0})),
    "bad_padding.json": variant(wp, set_key(["padding"], {"strategy": {"Fixed": -1}, "direction": "Up"})),
    "bad_huge_number.json": variant(wp, set_key(["model", "max_input_chars_per_word"], 10 ** 30)),
    "bad_metaspace.json": variant(uni, set_key(["pre_tokenizer"], {"type": "Metaspace", "replacement": "ab",
                                                                  "add_prefix_space": False})),
    "bad_deep_nesting.json": nested_sequences(wp, 1000),
    "bad_invalid_utf8.json": dump(wp).replace(b"[UNK]", b"[\xff\xfe]", 1),
}

os.makedirs(OUT, exist_ok=True)
for name in os.listdir(OUT):
    os.remove(os.path.join(OUT, name))
for name, data in seeds.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print(f"wrote {len(seeds)} seeds to {OUT}")
