// Model stage interface (internal): turns one pre-token into tokens with byte offsets relative
// to it, and maps between token strings and ids. Components live in models/ (tokenizer-json.md §7).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/json.h"
#include "tokenizer/pre_tokenized.h"

namespace hub::tokenizer {

class Model {
 public:
  virtual ~Model() = default;
  // Appends the tokens of `word` (non-empty) to `out`. Throws hub::Error(invalid_input) when the
  // word cannot be encoded (e.g. the unk token is missing from the vocabulary).
  virtual void tokenize(std::string_view word, std::vector<Token>& out) const = 0;
  virtual std::optional<std::uint32_t> token_to_id(std::string_view token) const = 0;
  // nullptr when the id is unknown.
  virtual const std::string* id_to_token(std::uint32_t id) const = 0;
  // Number of vocabulary entries.
  virtual std::size_t vocab_size() const = 0;
};

// Infers the type of untagged (legacy) model objects from their fields (tokenizer-json.md §1.4).
std::unique_ptr<Model> make_model(const JsonView& j);

}  // namespace hub::tokenizer
