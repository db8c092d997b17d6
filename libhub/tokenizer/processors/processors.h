// Factories of the post-processor components and shared helpers (internal).
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "tokenizer/processor.h"

namespace hub::tokenizer::processors {

std::unique_ptr<PostProcessor> make_roberta(const JsonView& j);
std::unique_ptr<PostProcessor> make_bert(const JsonView& j);
std::unique_ptr<PostProcessor> make_byte_level(const JsonView& j);
std::unique_ptr<PostProcessor> make_template(const JsonView& j);
std::unique_ptr<PostProcessor> make_sequence(const JsonView& j);

// ByteLevel offset trimming on code-point offsets, token-string based (§10.2).
void trim_offsets(Encoding& e, bool add_prefix_space);
// A [token, id] pair (Bert/Roberta sep and cls).
std::pair<std::string, std::uint32_t> token_pair(const JsonView& j);

}  // namespace hub::tokenizer::processors
