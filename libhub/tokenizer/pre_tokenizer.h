// Pre-tokenizer stage interface (internal): splits every untokenized piece of a
// PreTokenizedString further. Components live in pre_tokenizers/, one per file; make_pre_tokenizer
// dispatches on the `type` tag (tokenizer-json.md §6).
#pragma once

#include <memory>

#include "tokenizer/json.h"
#include "tokenizer/pre_tokenized.h"

namespace hub::tokenizer {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  virtual void pre_tokenize(PreTokenizedString& s) const = 0;
};

// nullptr for a null node. Throws invalid_input / unsupported naming the field path.
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const JsonView& j);

}  // namespace hub::tokenizer
