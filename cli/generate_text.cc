#include "cli/generate_text.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "hub/error.h"
#include "hub/model.h"
#include "hub/tokenizer.h"

namespace hub::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

bool is_generation_task(const std::string& task) {
  return task == "text-generation" || task == "text2text-generation";
}

int run_generation(const GenerateArgs& args, const GlobalOptions& g) {
  ModelOptions mo;
  mo.pretrained.settings = g.settings();
  mo.adapter = args.adapter;
  const auto model = AutoModel::from_pretrained(args.model, mo);
  const auto tokenizer = AutoTokenizer::from_pretrained(args.model, mo.pretrained);
  const bool seq2seq = model.head() == ModelHead::seq2seq_lm;
  if (model.head() != ModelHead::causal_lm && !seq2seq) {
    throw Error(Errc::unsupported, model.architecture() + " does not generate text (--task " + args.task + ")");
  }
  if (seq2seq != (args.task == "text2text-generation")) {
    throw Error(Errc::invalid_input, model.architecture() + ": use --task " +
                                         (seq2seq ? "text2text-generation" : "text-generation"));
  }
  GenerationOptions go;
  go.max_new_tokens = args.max_new_tokens;
  go.temperature = args.temperature;
  go.top_p = args.top_p;
  go.top_k = args.top_k;
  go.min_p = args.min_p;
  go.repetition_penalty = args.repetition_penalty;
  go.seed = args.seed;
  // A sampling flag asks for sampling; without one the repo's generation_config decides.
  if (args.do_sample || args.temperature || args.top_p || args.top_k || args.min_p || args.seed) go.do_sample = true;

  nlohmann::json results = nlohmann::json::array();
  for (const auto& prompt : args.prompts) {
    auto enc = tokenizer.encode(prompt, true);
    ModelInput in;
    in.batch = 1;
    in.seq_len = enc.size();
    in.input_ids.assign(enc.ids.begin(), enc.ids.end());
    in.attention_mask.assign(enc.size(), 1);
    DecodeStream stream(tokenizer, true);
    // Decoder-only: the prompt primes the stream, so the first new piece keeps the space or
    // join the decoder gives it after the prompt's last token.
    if (!seq2seq) {
      for (auto id : enc.ids) stream.step(id);
    }
    const bool stream_out = !g.json;
    if (stream_out) std::cout << (seq2seq ? "" : prompt) << std::flush;
    const auto start = Clock::now();
    std::optional<Clock::time_point> first;
    std::size_t produced = 0;
    std::string continuation;  // the streamed text so far, for stop strings
    auto generated = model.generate(in, go, [&](std::size_t, std::int32_t id) {
      if (!first) first = Clock::now();
      ++produced;
      if (auto piece = stream.step(static_cast<std::uint32_t>(id))) {
        if (stream_out) std::cout << *piece << std::flush;
        continuation += *piece;
      }
      for (const auto& stop : args.stop) {
        if (!stop.empty() && continuation.find(stop) != std::string::npos) return false;
      }
      return true;
    });
    const auto end = Clock::now();
    if (stream_out) {
      std::cout << stream.flush() << "\n" << std::flush;
      if (!g.quiet) {
        const double prefill = first ? seconds(*first - start) : seconds(end - start);
        const double decode = first ? seconds(end - *first) : 0.0;
        std::fprintf(stderr, "prefill: %zu tokens in %.3f s (%.1f tok/s); decode: %zu tokens in %.3f s (%.1f tok/s)\n",
                     enc.size(), prefill, prefill > 0 ? enc.size() / prefill : 0.0, produced > 0 ? produced - 1 : 0,
                     decode, decode > 0 && produced > 1 ? (produced - 1) / decode : 0.0);
      }
      continue;
    }
    // transformers' pipelines: text-generation returns the prompt followed by the text the new
    // tokens add to the decoded prompt; text2text-generation the decoded new tokens.
    std::vector<std::uint32_t> new_ids(generated[0].begin(), generated[0].end());
    std::string text;
    if (seq2seq) {
      text = tokenizer.decode(new_ids, true, std::nullopt);
    } else {
      std::vector<std::uint32_t> all(enc.ids.begin(), enc.ids.end());
      all.insert(all.end(), new_ids.begin(), new_ids.end());
      const std::string full = tokenizer.decode(all, true, std::nullopt);
      const std::string prompt_text = tokenizer.decode(enc.ids, true, std::nullopt);
      text = prompt + (full.size() >= prompt_text.size() ? full.substr(prompt_text.size()) : std::string());
    }
    results.push_back(text);
  }
  if (g.json) {
    // json.dumps layout, as the other tasks print: [[{"generated_text": "..."}], ...].
    std::string out = "[";
    for (std::size_t i = 0; i < results.size(); ++i) {
      out += (i ? ", " : "");
      out += "[{\"generated_text\": " + results[i].dump(-1, ' ', true, nlohmann::json::error_handler_t::replace) + "}]";
    }
    std::cout << out << "]\n";
  }
  return 0;
}

}  // namespace hub::cli
