// Tokenizers from the formats that predate tokenizer.json (internal): each builder writes the
// tokenizer.json document transformers' convert_slow_tokenizer produces for those files, so the
// one tokenizer.json engine runs them. Errors name the file (and line) that is malformed.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "hub/tokenizer.h"

namespace hub::tokenizer::legacy {

// BertTokenizerFast from vocab.txt (one token per line, id = line number): BertNormalizer per
// do_lower_case / strip_accents / tokenize_chinese_chars, BertPreTokenizer, WordPiece ("##",
// unk_token, 100 chars per word), TemplateProcessing [CLS] $A [SEP] / [CLS] $A [SEP] $B [SEP],
// WordPiece decoder.
nlohmann::json wordpiece_from_vocab_txt(const std::filesystem::path& vocab_txt, const TokenizerConfig& config);

// GPT-2 / RoBERTa byte-level BPE from vocab.json + merges.txt: ByteLevel pre-tokenizer and
// decoder; RobertaProcessing when `roberta` (tokenizer_class Roberta*), else a ByteLevel
// post-processor, or <bos> $A when add_bos_token is set (GPT2Converter).
nlohmann::json byte_level_bpe_from_files(const std::filesystem::path& vocab_json,
                                         const std::filesystem::path& merges_txt, const TokenizerConfig& config,
                                         bool roberta);

// The added_tokens section for the special tokens of `config`, in transformers' order (bos, eos,
// unk, sep, pad, cls, mask, additional), with the flags of `added_tokens_decoder` in
// tokenizer_config.json when it lists them (also any non-special tokens it lists).
// `lstrip_mask`: RobertaTokenizer's <mask> strips the space before it.
nlohmann::json added_tokens_section(const std::filesystem::path& folder, const TokenizerConfig& config,
                                    bool lstrip_mask);

}  // namespace hub::tokenizer::legacy
