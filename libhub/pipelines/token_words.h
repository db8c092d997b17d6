// TokenWords from a tokenizer.json (internal): the parts of transformers' fast tokenizer that
// token-classification reads and hub::Tokenizer does not expose (the decoder over token strings,
// the model's continuing_subword_prefix, the unknown token).
#pragma once

#include <string_view>

#include "hub/tokenizer.h"
#include "pipelines/postprocess.h"

namespace hub::pipelines {

// `tokenizer_json` is the text `tokenizer` was loaded from. tokens_to_string runs the file's
// decoder (tokens joined by spaces when it has none); continuing_subword_prefix is set when
// model.continuing_subword_prefix is a non-empty string; unk_id is the id of model.unk_token.
// Throws hub::Error(Errc::invalid_input / unsupported) for a malformed or unknown decoder.
TokenWords token_words_from_json(std::string_view tokenizer_json, const Tokenizer& tokenizer);

}  // namespace hub::pipelines
