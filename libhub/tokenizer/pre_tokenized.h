// PreTokenizedString: the text of one sequence as a list of splits (internal). Added-token
// extraction and pre-tokenizers cut it into pieces; the model then gives each untokenized piece
// its tokens. Mirrors tokenizers' pre_tokenizer.rs (tokenizer-json.md §2, §6, §9).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tokenizer/normalized_string.h"

namespace hub::tokenizer {

// A model or added-token output: offsets are bytes of the split's normalized text.
struct Token {
  std::uint32_t id = 0;
  std::string value;
  Offsets offsets;
};

struct Split {
  NormalizedString normalized;
  std::optional<std::vector<Token>> tokens;  // set once the split is tokenized
};

class PreTokenizedString {
 public:
  explicit PreTokenizedString(NormalizedString s);

  // Replaces every untokenized split by the pieces `f(index, split)` returns; empty pieces
  // are dropped. Tokenized splits are kept as they are.
  void split(const std::function<std::vector<NormalizedString>(std::size_t, NormalizedString&&)>& f);
  // Same, but `f` may return pieces that already carry tokens (added-token extraction).
  void split_with_tokens(const std::function<std::vector<Split>(std::size_t, NormalizedString&&)>& f);
  // Applies `f` to every untokenized split.
  void normalize(const std::function<void(NormalizedString&)>& f);

  std::vector<Split>& splits() noexcept { return splits_; }
  const std::vector<Split>& splits() const noexcept { return splits_; }

 private:
  std::vector<Split> splits_;
};

}  // namespace hub::tokenizer
