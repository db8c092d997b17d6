// hub run --task text-generation / text2text-generation: generation with streaming output.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace hub::cli {

struct GenerateArgs {
  std::string model;
  std::string task;  // "text-generation" or "text2text-generation"
  std::vector<std::string> prompts;
  std::optional<std::size_t> max_new_tokens;
  std::optional<float> temperature, top_p, min_p, repetition_penalty;
  std::optional<std::size_t> top_k;
  std::optional<std::uint64_t> seed;
  bool do_sample = false;
  std::optional<std::string> adapter;
  bool adapter_on_the_fly = false;
  // Generation ends at the token whose text completes one of these (kept in the output, as
  // transformers' stop_strings).
  std::vector<std::string> stop;
};

bool is_generation_task(const std::string& task);

// Streams each prompt's continuation to stdout as it is decoded and reports prefill and decode
// tokens/s on stderr; with --json prints instead what transformers' pipeline returns per prompt.
int run_generation(const GenerateArgs& args, const GlobalOptions& g);

}  // namespace hub::cli
