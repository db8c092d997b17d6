// Builds a hub::Tokenizer from a tokenizer.json-shaped document whose model and decoder are given
// as objects instead of JSON (internal): how engines that are not described by JSON (the
// SentencePiece wrapper) reuse the added-token, post-processing, truncation and padding stages.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "hub/tokenizer.h"
#include "tokenizer/decoder.h"
#include "tokenizer/model.h"

namespace hub::tokenizer {

class Assembler {
 public:
  // `doc` holds the other sections (normalizer, pre_tokenizer, post_processor, added_tokens,
  // truncation, padding; "model" and "decoder" are ignored). Errors as Tokenizer::from_json.
  static Tokenizer assemble(const nlohmann::json& doc, std::unique_ptr<Model> model, std::unique_ptr<Decoder> decoder,
                            TokenizerConfig config);
};

}  // namespace hub::tokenizer
