// Decoding for decoder models: generation defaults from the repo, logits processing (repetition
// penalty, temperature, top-k, top-p, min-p) and the greedy / sampling loop over the KV cache.
#pragma once

#include <filesystem>
#include <random>
#include <span>
#include <vector>

#include "hub/model.h"

namespace hub::models {

// generation_config.json (when present) over config.json's eos/pad ids. Unreadable or malformed
// files are an error naming the file and field.
GenerationOptions read_generation_defaults(const std::filesystem::path& folder, const ModelConfig& config);

// `options` with every unset field taken from `defaults`, then transformers' own defaults.
GenerationOptions resolve_generation(const GenerationOptions& options, const GenerationOptions& defaults);

// Picks the next token from one row of logits (modified in place) given the row's tokens so far
// (for the repetition penalty). Greedy: the first maximum, as torch.argmax.
std::int32_t choose_token(std::span<float> logits, std::span<const std::int32_t> history,
                          const GenerationOptions& resolved, std::mt19937_64& rng);

}  // namespace hub::models
