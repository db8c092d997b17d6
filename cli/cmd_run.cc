// hub run: run a task pipeline over texts given on the command line.
//
//   hub run MODEL --task TASK [--top-k K|all] [--aggregation-strategy none|simple|first|average|max]
//           [--function-to-apply sigmoid|softmax|none] [--batch-size N] [--json] TEXT...
//
// MODEL is a repo id ("org/name", "org/name@rev") or a folder. With --json the output is one JSON
// document: an array holding, for each TEXT in order, exactly what transformers'
// pipeline(task, model)(TEXT) returns (json.dumps layout). Without it, a readable table per text.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/generate_text.h"
#include "hub/error.h"
#include "hub/pipeline.h"

namespace hub::cli {
namespace {

struct RunArgs {
  std::string model;
  std::string task;
  std::optional<std::string> top_k;
  std::optional<std::string> aggregation;
  std::optional<std::string> function;
  std::size_t batch_size = 8;
  std::vector<std::string> texts;
  GenerateArgs generation;
};

std::optional<int> parse_top_k(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  if (*s == "all" || *s == "none" || *s == "None") return top_k_all;
  try {
    std::size_t used = 0;
    const int k = std::stoi(*s, &used);
    if (used == s->size() && k >= 0) return k;
  } catch (const std::exception&) {
  }
  throw Error(Errc::invalid_input, "--top-k: expected a count or \"all\", got \"" + *s + "\"");
}

// A score or value with 4 decimals for the table.
std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

void print_table(const PipelineResult& r, const std::vector<std::string>& texts) {
  for (std::size_t i = 0; i < r.texts.size(); ++i) {
    const TextResult& t = r.texts[i];
    std::cout << (i ? "\n" : "") << texts[i] << "\n";
    switch (r.task) {
      case Task::text_classification:
        for (const auto& l : t.labels) std::cout << "  " << fmt(l.score) << "  " << l.label << "\n";
        break;
      case Task::token_classification:
        if (t.entities.empty()) std::cout << "  (no entities)\n";
        for (const auto& e : t.entities)
          std::cout << "  " << fmt(e.score) << "  " << e.entity << "  [" << e.start << ", " << e.end << ")  " << e.word
                    << "\n";
        break;
      case Task::fill_mask:
        for (std::size_t m = 0; m < t.masks.size(); ++m) {
          if (t.masks.size() > 1) std::cout << "  mask " << m + 1 << ":\n";
          for (const auto& c : t.masks[m])
            std::cout << "  " << fmt(c.score) << "  " << c.token_str << "  " << c.sequence << "\n";
        }
        break;
      case Task::feature_extraction: {
        const auto& s = t.features.shape;
        std::cout << "  features [" << s.at(0) << ", " << s.at(1) << ", " << s.at(2) << "]\n";
        break;
      }
      case Task::sentence_embeddings: {
        std::cout << "  embedding of dimension " << t.embedding.size() << ":";
        for (std::size_t k = 0; k < std::min<std::size_t>(4, t.embedding.size()); ++k)
          std::cout << " " << fmt(t.embedding[k]);
        std::cout << (t.embedding.size() > 4 ? " ...\n" : "\n");
        break;
      }
      case Task::text_generation:
      case Task::text2text_generation: std::cout << "  " << t.generated_text << "\n"; break;
    }
  }
}

}  // namespace

void register_run(CLI::App& app, GlobalOptions& g, Action& action) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run a task pipeline (text-classification, ner, fill-mask, ...) on texts");
  cmd->add_option("model", args->model, "Repo id (org/name[@rev]) or model folder")->required();
  cmd->add_option("texts", args->texts, "Texts to run the pipeline on")->required();
  cmd->add_option("--task", args->task,
                  "text-classification (sentiment-analysis), token-classification (ner), fill-mask, "
                  "feature-extraction, sentence-similarity, embeddings, text-generation or text2text-generation")
      ->required();
  auto& gen = args->generation;
  cmd->add_option("--max-new-tokens", gen.max_new_tokens,
                  "Generation: new tokens (default: generation_config, else 20)");
  cmd->add_option("--temperature", gen.temperature, "Generation: sampling temperature (implies sampling)");
  cmd->add_option("--top-p", gen.top_p, "Generation: nucleus sampling mass (implies sampling)");
  cmd->add_option("--min-p", gen.min_p, "Generation: min-p sampling threshold (implies sampling)");
  cmd->add_option("--repetition-penalty", gen.repetition_penalty, "Generation: repetition penalty");
  cmd->add_option("--seed", gen.seed, "Generation: sampling seed (implies sampling)");
  cmd->add_flag("--do-sample", gen.do_sample, "Generation: sample instead of greedy decoding");
  cmd->add_option("--stop", gen.stop, "Generation: stop once the text contains this string (repeatable)");
  cmd->add_option("--adapter", gen.adapter, "Generation: a LoRA adapter (PEFT folder or repo id) merged at load");
  cmd->add_flag("--adapter-on-the-fly", gen.adapter_on_the_fly,
                "Generation: apply the adapter per layer instead of merging it (base weights stay as stored)");
  cmd->add_option("--top-k", args->top_k,
                  "Labels (text-classification; \"all\" = every label) or candidates (fill-mask)");
  cmd->add_option("--aggregation-strategy", args->aggregation,
                  "token-classification: none, simple, first, average, max");
  cmd->add_option("--function-to-apply", args->function, "text-classification: sigmoid, softmax or none");
  cmd->add_option("--batch-size", args->batch_size, "Texts per forward pass (default 8)")->check(CLI::PositiveNumber);
  add_network_options(*cmd, g);
  add_cache_option(*cmd, g);
  add_output_options(*cmd, g);
  cmd->callback([args, &g, &action] {
    action = [args, &g] {
      if (is_generation_task(args->task)) {
        GenerateArgs request = args->generation;
        request.model = args->model;
        request.task = args->task;
        request.prompts = args->texts;
        if (args->top_k) {
          const auto k = parse_top_k(args->top_k);
          if (!k || *k < 0) throw Error(Errc::invalid_input, "--top-k: generation needs a count");
          request.top_k = static_cast<std::size_t>(*k);
        }
        return run_generation(request, g);
      }
      PipelineOptions o;
      o.top_k = parse_top_k(args->top_k);
      if (args->aggregation) o.aggregation_strategy = parse_aggregation_strategy(*args->aggregation);
      if (args->function) o.function_to_apply = parse_classification_function(*args->function);
      o.batch_size = args->batch_size;
      o.model.pretrained.settings = g.settings();
      const Pipeline p = pipeline(args->task, args->model, o);
      const PipelineResult r = p(args->texts);
      if (g.json) {
        std::string out = "[";
        for (std::size_t i = 0; i < r.texts.size(); ++i) out += (i ? ", " : "") + r.to_json(i);
        std::cout << out << "]\n";
      } else {
        print_table(r, args->texts);
      }
      return 0;
    };
  });
}

}  // namespace hub::cli
