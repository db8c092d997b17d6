// Decoder stage interface (internal): maps the list of token strings to a list of strings, so
// decoders chain; the tokenizer joins the final list (tokenizer-json.md §11).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tokenizer/json.h"

namespace hub::tokenizer {

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual void decode_chain(std::vector<std::string>& tokens) const = 0;
};

// nullptr for a null node. Throws invalid_input / unsupported naming the field path.
std::unique_ptr<Decoder> make_decoder(const JsonView& j);

}  // namespace hub::tokenizer
