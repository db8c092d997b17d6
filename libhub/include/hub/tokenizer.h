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
// Not yet here (see issue 4): AutoTokenizer::from_pretrained over repo ids and the cache,
// tokenizer_config.json, and the pre-tokenizer.json formats (vocab.txt, merges.txt, .model).
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

// The result of encoding one text (or one pair of texts).
struct Encoding {
  std::vector<std::uint32_t> ids;
  std::vector<std::string> tokens;
  // [start, end) in Unicode code points of the input text the token came from (the first text
  // for tokens of the first sequence, the second text for the pair), as the Python and Node
  // bindings report them. Special tokens added by the post-processor and padding get (0, 0).
  std::vector<std::pair<std::size_t, std::size_t>> offsets;
  std::vector<std::uint32_t> type_ids;
  std::vector<std::uint32_t> special_tokens_mask;  // 1 for tokens added by post-processing/padding
  std::vector<std::uint32_t> attention_mask;       // 0 for padding
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

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  // Encodes one text; with add_special_tokens the post-processor adds [CLS]/<s>/... .
  // Truncation and padding from the file apply. Throws hub::Error(Errc::invalid_input) when
  // the model cannot encode the text (e.g. an unknown character and no unk token in Unigram).
  Encoding encode(std::string_view text, bool add_special_tokens = true) const;
  // Encodes a pair of texts (type id 0 and 1, or as the post-processor assigns them).
  Encoding encode_pair(std::string_view first, std::string_view second, bool add_special_tokens = true) const;
  // Encodes many texts on all cores with this one tokenizer; the result is in input order and
  // batch padding (BatchLongest pads to the longest of the batch) applies.
  std::vector<Encoding> encode_batch(const std::vector<std::string>& texts, bool add_special_tokens = true) const;

  // Turns ids back into text. Unknown ids are skipped; with skip_special_tokens, special added
  // tokens are left out.
  std::string decode(const std::vector<std::uint32_t>& ids, bool skip_special_tokens = false) const;

  // Vocabulary lookups (model vocabulary and added tokens); nullopt when absent.
  std::optional<std::uint32_t> token_to_id(std::string_view token) const;
  std::optional<std::string> id_to_token(std::uint32_t id) const;
  // Model vocabulary size plus the added tokens that are not in it.
  std::size_t vocab_size() const;

  class Impl;

 private:
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub
