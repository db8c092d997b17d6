#include "cli/generate_text.h"

#include <cstdio>
#include <iostream>

#include "hub/pipeline.h"

namespace hub::cli {

bool is_generation_task(const std::string& task) { return task == "text-generation" || task == "text2text-generation"; }

int run_generation(const GenerateArgs& args, const GlobalOptions& g) {
  PipelineOptions po;
  po.model.pretrained.settings = g.settings();
  po.model.adapter = args.adapter;
  po.model.adapter_on_the_fly = args.adapter_on_the_fly;
  // One prompt at a time (transformers' default batch size): the terminal shows each as it goes.
  po.batch_size = 1;
  GenerationOptions& go = po.generation;
  go.max_new_tokens = args.max_new_tokens;
  go.temperature = args.temperature;
  go.top_p = args.top_p;
  go.top_k = args.top_k;
  go.min_p = args.min_p;
  go.repetition_penalty = args.repetition_penalty;
  go.seed = args.seed;
  // A sampling flag asks for sampling; without one the repo's generation_config decides.
  if (args.do_sample || args.temperature || args.top_p || args.top_k || args.min_p || args.seed) go.do_sample = true;
  po.stop_strings = args.stop;
  const bool stream_out = !g.json;
  if (stream_out) po.on_text = [](std::size_t, std::string_view piece) { std::cout << piece << std::flush; };

  const auto pipe = pipeline(args.task, args.model, po);
  if (!stream_out) {
    // One JSON document: what transformers returns for the list of prompts.
    std::cout << pipe(args.prompts).to_json() << "\n";
    return 0;
  }
  const bool seq2seq = pipe.task() == Task::text2text_generation;
  for (const auto& prompt : args.prompts) {
    if (!seq2seq) std::cout << prompt << std::flush;
    const PipelineResult r = pipe(prompt);
    std::cout << "\n" << std::flush;
    const GenerationStats& s = r.texts.at(0).generation;
    if (!g.quiet) {
      const std::size_t decoded = s.new_tokens > 0 ? s.new_tokens - 1 : 0;
      std::fprintf(stderr, "prefill: %zu tokens in %.3f s (%.1f tok/s); decode: %zu tokens in %.3f s (%.1f tok/s)\n",
                   s.prompt_tokens, s.prefill_seconds,
                   s.prefill_seconds > 0 ? s.prompt_tokens / s.prefill_seconds : 0.0, decoded, s.decode_seconds,
                   s.decode_seconds > 0 ? decoded / s.decode_seconds : 0.0);
    }
  }
  return 0;
}

}  // namespace hub::cli
