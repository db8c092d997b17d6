// Post-processor stage interface (internal): adds special tokens, sets type ids and adjusts
// offsets of the (one or two) sequence encodings. Components live in processors/ (§10.2).
#pragma once

#include <memory>
#include <vector>

#include "hub/tokenizer.h"
#include "tokenizer/json.h"

namespace hub::tokenizer {

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // Number of tokens process() adds with add_special_tokens (used by truncation).
  virtual std::size_t added_tokens(bool is_pair) const = 0;
  // tokenizers' process_encodings: rewrites the list of encodings (not merged yet).
  virtual void process(std::vector<Encoding>& encodings, bool add_special_tokens) const = 0;
};

// nullptr for a null node. Throws invalid_input / unsupported naming the field path.
std::unique_ptr<PostProcessor> make_post_processor(const JsonView& j);

}  // namespace hub::tokenizer
