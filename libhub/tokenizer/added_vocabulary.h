// The added-token vocabulary (internal): tokens from `added_tokens`, their ids, and the two
// leftmost-longest matchers that cut them out of the text before (raw tokens) and after
// (normalized tokens) normalization (tokenizer-json.md §1.3, §3.2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tokenizer/model.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/pre_tokenized.h"

namespace hub::tokenizer {

struct AddedToken {
  std::string content;
  bool single_word = false, lstrip = false, rstrip = false, normalized = true, special = false;
  bool operator==(const AddedToken&) const = default;
};

class AddedVocabulary {
 public:
  // Registers tokens in order (JSON ids are ignored, as in tokenizers), then builds the matchers.
  void add_tokens(const std::vector<AddedToken>& tokens, const Model& model, const Normalizer* normalizer);

  // Splits `text` into added-token splits and normalized text splits.
  PreTokenizedString extract_and_normalize(std::string_view text, const Normalizer* normalizer) const;

  std::optional<std::uint32_t> token_to_id(std::string_view token) const;
  // The decoding string of an added token id (content), or nullptr.
  const std::string* id_to_token(std::uint32_t id) const;
  bool is_special(std::string_view token) const { return special_set_.count(std::string(token)) > 0; }
  std::size_t size() const noexcept { return by_id_.size(); }
  std::size_t count_beyond(std::size_t vocab_size) const;

 private:
  // Leftmost-longest matching over a set of byte strings (a trie walked from each position).
  class Matcher {
   public:
    void build(const std::vector<std::pair<std::string, std::uint32_t>>& patterns);
    // Next match at or after `from`: (start, end, id); false when none.
    bool find(std::string_view text, std::size_t from, std::size_t& start, std::size_t& end, std::uint32_t& id) const;
    bool empty() const noexcept { return nodes_.size() <= 1; }

   private:
    struct Node {
      std::unordered_map<unsigned char, std::uint32_t> next;
      std::optional<std::uint32_t> id;
    };
    std::vector<Node> nodes_{1};
    std::vector<bool> first_byte_{std::vector<bool>(256, false)};
  };

  std::vector<Split> split_with(NormalizedString&& s, const Matcher& m) const;

  std::unordered_map<std::string, std::uint32_t> by_content_;
  std::unordered_map<std::uint32_t, AddedToken> by_id_;
  std::vector<AddedToken> special_tokens_, added_tokens_;  // registration order, as in tokenizers
  std::unordered_set<std::string> special_set_;
  std::optional<std::uint32_t> max_id_;  // largest id in by_content_
  Matcher raw_, normalized_;
};

}  // namespace hub::tokenizer
