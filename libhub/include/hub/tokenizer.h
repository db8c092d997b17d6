// hub/tokenizer.h: tokenizer.json loading, encoding and decoding.
//
// A hub::Tokenizer is built from a Hugging Face `tokenizer.json` (the format written by the
// `tokenizers` library) and reproduces that library's output token for token: ids, token strings,
// offsets, type ids, masks, word ids and decoded text. The pipeline has the same five stages
// (normalizer, pre-tokenizer, model, post-processor, decoder) plus the added-token vocabulary;
// see docs in ../shared/docs/tokenizer-json.md for the exact behaviour of every component.
//
// Text is UTF-8. Invalid UTF-8 in an input is replaced by U+FFFD (one per maximal invalid
// subsequence) before encoding, which is what the JavaScript and Python bindings see for
// ill-formed strings; offsets then refer to the repaired text.
//
// Thread-safety: a Tokenizer is immutable after loading; every const method may be called from
// any number of threads at once. encode_batch itself uses all cores.
//
// hub::AutoTokenizer (hub/auto_tokenizer.h, included below) loads a tokenizer from a folder, a
// file or a repo id together with its tokenizer_config.json, as transformers does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hub {

namespace tokenizer {
class Assembler;  // internal: builds tokenizers from parts (libhub/tokenizer/assembler.h)
}

// What transformers reads from tokenizer_config.json (and special_tokens_map.json, whose values
// win, as in transformers): special tokens, lengths, sides, decode clean-up and the chat template.
// A Tokenizer loaded from a bare tokenizer.json has these defaults.
struct TokenizerConfig {
  // nullopt when absent or the "no limit" sentinel (>= 1e29; transformers writes int(1e30)).
  std::optional<std::size_t> model_max_length;
  // Each may be a string or an AddedToken object {"content": ...} in the file; the content is kept.
  std::optional<std::string> bos_token, eos_token, unk_token, sep_token, pad_token, cls_token, mask_token;
  std::vector<std::string> additional_special_tokens;
  // transformers 5's default is false; files written by older versions often say true.
  bool clean_up_tokenization_spaces = false;
  std::optional<bool> add_bos_token, add_eos_token;
  std::string padding_side = "right", truncation_side = "right";  // "right" or "left"
  // The template text: tokenizer_config.json's "chat_template" (the string form, or the entry
  // named "default" of the list form), replaced by chat_template.jinja when that file exists.
  std::optional<std::string> chat_template;
  // transformers' tokenizer class name, e.g. "BertTokenizer", "RobertaTokenizerFast".
  std::optional<std::string> tokenizer_class;
  // Options of the legacy builds (no tokenizer.json): BERT's vocab.txt normalizer and GPT-2 /
  // RoBERTa's byte-level pre-tokenizer. Defaults are those of BertTokenizer and GPT2Tokenizer.
  bool do_lower_case = true;
  std::optional<bool> strip_accents;  // nullopt: follow do_lower_case
  bool tokenize_chinese_chars = true;
  std::optional<bool> add_prefix_space;

  // Reads tokenizer_config.json, special_tokens_map.json and chat_template.jinja from `folder`;
  // each is optional (all absent gives the defaults). Throws hub::Error: Errc::io when a file
  // exists but cannot be read, Errc::invalid_input naming the file and field when one is
  // malformed (e.g. "tokenizer_config.json: padding_side: expected \"left\" or \"right\"").
  static TokenizerConfig from_folder(const std::filesystem::path& folder);
};

// Per-call options of encode / encode_pair / encode_batch.
struct EncodeOptions {
  // Add the post-processor's special tokens ([CLS] ... [SEP], <s> ... </s>).
  bool add_special_tokens = true;
  // Truncate to at most this many tokens including the special tokens (longest_first for pairs,
  // from the side config().truncation_side names, stride 0), overriding the file's truncation;
  // the result equals the binding's setTruncation(max_length), Encoding::overflowing included
  // (which, as there, only covers the text tokenized before the early exit of truncation, see
  // tokenizer-json.md 10.1). nullopt = the file's settings.
  std::optional<std::size_t> max_length;
};

// The result of encoding one text (or one pair of texts).
struct Encoding {
  std::vector<std::uint32_t> ids;
  std::vector<std::string> tokens;
  // [start, end) in Unicode code points of the input text the token came from (the first text
  // for tokens of the first sequence, the second text for the pair), as the Python and Node
  // bindings report them. Special tokens added by the post-processor and padding get (0, 0).
  std::vector<std::pair<std::size_t, std::size_t>> offsets;
  std::vector<std::uint32_t> type_ids;
  std::vector<std::uint32_t> special_tokens_mask;      // 1 for tokens added by post-processing/padding
  std::vector<std::uint32_t> attention_mask;           // 0 for padding
  std::vector<std::optional<std::uint32_t>> word_ids;  // index of the pre-token; none for specials
  // Further windows when truncation with overflow applies (each post-processed and padded too).
  std::vector<Encoding> overflowing;

  std::size_t size() const noexcept { return ids.size(); }
};

class Tokenizer {
 public:
  // Loads a tokenizer.json file. Throws hub::Error: Errc::io when the file cannot be read,
  // Errc::invalid_input when it is malformed (the message names the JSON field path, e.g.
  // "tokenizer.json: model.merges[12]: ..."), Errc::unsupported for a component libhub does
  // not implement (the message names the component).
  static Tokenizer from_file(const std::filesystem::path& path);
  // Same, from the JSON text itself.
  static Tokenizer from_json(std::string_view json);
  // Same, with the tokenizer_config.json settings that config(), pad_token_id(), decode's
  // clean-up and EncodeOptions::max_length's side use.
  static Tokenizer from_file(const std::filesystem::path& path, TokenizerConfig config);
  static Tokenizer from_json(std::string_view json, TokenizerConfig config);

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  // Encodes one text; with add_special_tokens the post-processor adds [CLS]/<s>/... .
  // Truncation and padding from the file apply. Throws hub::Error(Errc::invalid_input) when
  // the model cannot encode the text (e.g. an unknown character and no unk token in Unigram).
  Encoding encode(std::string_view text, bool add_special_tokens = true) const;
  // Encodes a pair of texts (type id 0 and 1, or as the post-processor assigns them).
  Encoding encode_pair(std::string_view first, std::string_view second, bool add_special_tokens = true) const;
  // Encodes many texts on all cores with this one tokenizer (on OpenMP's threads, the caller's
  // included: OMP_NUM_THREADS or omp_set_num_threads limit them); the result is in input order
  // and batch padding (BatchLongest pads to the longest of the batch) applies.
  std::vector<Encoding> encode_batch(const std::vector<std::string>& texts, bool add_special_tokens = true) const;
  // The same three with per-call options (see EncodeOptions).
  Encoding encode(std::string_view text, const EncodeOptions& options) const;
  Encoding encode_pair(std::string_view first, std::string_view second, const EncodeOptions& options) const;
  std::vector<Encoding> encode_batch(const std::vector<std::string>& texts, const EncodeOptions& options) const;

  // Turns ids back into text. Unknown ids are skipped; with skip_special_tokens, special added
  // tokens are left out.
  std::string decode(const std::vector<std::uint32_t>& ids, bool skip_special_tokens = false) const;
  // As transformers' tokenizer.decode(ids, skip_special_tokens, clean_up_tokenization_spaces):
  // the decode above, then, when `clean_up` (nullopt: config().clean_up_tokenization_spaces),
  // transformers' clean_up_tokenization: " ." -> ".", " ?" -> "?", " !" -> "!", " ," -> ",",
  // " ' " -> "'", " n't" -> "n't", " 'm" -> "'m", " 's" -> "'s", " 've" -> "'ve", " 're" -> "'re".
  std::string decode(const std::vector<std::uint32_t>& ids, bool skip_special_tokens,
                     std::optional<bool> clean_up) const;

  // The tokenizer_config.json settings (defaults for a bare tokenizer.json).
  const TokenizerConfig& config() const noexcept;
  // Id of config().pad_token, or without one the padding section's pad_id; nullopt when neither
  // exists or the token is not in the vocabulary.
  std::optional<std::uint32_t> pad_token_id() const;
  // Id of config().mask_token; nullopt without one or when it is not in the vocabulary.
  std::optional<std::uint32_t> mask_token_id() const;

  // Vocabulary lookups (model vocabulary and added tokens); nullopt when absent.
  std::optional<std::uint32_t> token_to_id(std::string_view token) const;
  std::optional<std::string> id_to_token(std::uint32_t id) const;
  // Model vocabulary size plus the added tokens that are not in it.
  std::size_t vocab_size() const;

  class Impl;

 private:
  friend class tokenizer::Assembler;
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Incremental decoding for streaming generated text, as tokenizers' DecodeStream: each step()
// returns the text that the new id completes, or nothing while the decoded text ends inside a
// multi-byte character (U+FFFD) or a merge that the next ids may still change. The
// concatenation of every step() and a final flush() is the decode of all the ids. Holds a reference to the
// tokenizer, which must outlive it.
class DecodeStream {
 public:
  explicit DecodeStream(const Tokenizer& tokenizer, bool skip_special_tokens = true);
  std::optional<std::string> step(std::uint32_t id);
  // The text held back at the end of the stream (a trailing U+FFFD that really is in the text,
  // or bytes of a character the stream stopped inside); empty when nothing is pending.
  std::string flush();

 private:
  const Tokenizer& tokenizer_;
  bool skip_special_;
  std::vector<std::uint32_t> ids_;
  std::string prefix_;
  std::size_t prefix_index_ = 0;
};

}  // namespace hub

#include "hub/auto_tokenizer.h"  // IWYU pragma: export
