// text-generation and text2text-generation (internal): transformers' TextGenerationPipeline and
// Text2TextGenerationPipeline over Model::generate, with streaming through hub::DecodeStream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hub/model.h"
#include "hub/pipeline.h"
#include "hub/tokenizer.h"

namespace hub::pipelines {

// Generates for `texts` as one batch (left-padded for a decoder-only model, right-padded for an
// encoder-decoder) and appends one TextResult per text to `out`; `first` is the index of texts[0]
// among the call's inputs (what options.on_text receives). Throws hub::Error(Errc::invalid_input)
// for a text that encodes to no tokens.
void generate_texts(const Model& model, const Tokenizer& tokenizer, std::span<const std::string> texts,
                    std::size_t first, const PipelineOptions& options, std::uint32_t pad_id,
                    std::vector<TextResult>& out);

// What transformers 5's text-generation pipeline returns for a prompt: with return_full_text, the
// prompt followed by the new tokens decoded on their own (skipping special tokens); else the
// decoded new tokens alone. Decoding the new tokens alone is why a SentencePiece-style tokenizer
// whose decoder strips the leading space joins "fox" and "▁jumps" as "foxjumps", as transformers
// does.
std::string generated_text(const Tokenizer& tokenizer, std::string_view prompt, std::span<const std::int32_t> new_ids,
                           bool return_full_text);

}  // namespace hub::pipelines
