// Normalizer stage interface (internal): one method that rewrites a NormalizedString in place,
// keeping alignments. Components live in normalizers/, one per file, and are built from their
// JSON object by make_normalizer, which dispatches on the `type` tag (tokenizer-json.md §5).
#pragma once

#include <memory>

#include "tokenizer/json.h"
#include "tokenizer/normalized_string.h"

namespace hub::tokenizer {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(NormalizedString& s) const = 0;
};

// nullptr for a null node. Throws invalid_input / unsupported naming the field path.
std::unique_ptr<Normalizer> make_normalizer(const JsonView& j);

}  // namespace hub::tokenizer
