// Decoding for decoder models: generation defaults from the repo, logits processing (repetition
// penalty, temperature, top-k, top-p, min-p) and the greedy / sampling loop over the KV cache.
#pragma once

#include <filesystem>
#include <functional>
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

// The per-row state of one generate call, shared by the decoder-only and the seq2seq loops: the
// tokens so far (for the repetition penalty), the new tokens, and which rows reached eos.
class RowsState {
 public:
  enum class Outcome { more, all_done };

  RowsState(std::vector<std::vector<std::int32_t>> history, const GenerationOptions& resolved, std::mt19937_64& rng,
            std::int32_t pad);
  // Picks every unfinished row's next token from `logits` [rows, vocab] into `next` (finished rows
  // get the pad id), calling on_token for each; a row is done after its eos or when on_token
  // returns false for it; all_done when every row is.
  Outcome advance(std::span<float> logits, std::size_t vocab, std::vector<std::int32_t>& next,
                  const std::function<bool(std::size_t, std::int32_t)>& on_token);

  std::vector<std::vector<std::int32_t>> generated;

 private:
  std::vector<std::vector<std::int32_t>> history_;
  std::vector<bool> done_;
  const GenerationOptions& options_;
  std::mt19937_64& rng_;
  std::int32_t pad_;
};

}  // namespace hub::models
