// bench_decoder: Llama prefill and greedy decode through hub::AutoModel, timed; one JSON object on
// stdout.
//
//   bench_decoder --model DIR [--prompt-len 512 --new-tokens 128 --warmup 1 --runs 3 --threads N]
//   bench_decoder --model DIR --dump FILE [--prompt-len 32 --new-tokens 16]   # for the check
//   bench_decoder --bandwidth [--model DIR] [--bandwidth-mb 1024 --runs 5 --threads N]
//
// Each timed run is one generate() of batch 1 over common.h's prompt, eos disabled so exactly
// --new-tokens tokens come out. The on_token callback timestamps every token: prefill = prompt
// length / time to the first token (the prompt's forward plus one row of logits, what
// transformers' generate does), decode = (new tokens - 1) / time from the first token to the last.
// Medians over --runs after --warmup generations (full prompt, 4 new tokens). Weight bytes in memory are inferred from
// the anonymous memory the load added (see weight_bytes() below). --bandwidth measures streaming read GB/s and, given
// --model, the decode bound: GB/s / (parameters x 2 bytes for BF16, x 4 for F32). torch_llama.py prints the same fields
// for PyTorch; --dump writes the prompt, the greedy tokens and the prompt's logits to a safetensors file for
// torch_llama.py --check.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "bandwidth.h"
#include "common.h"
#include "hub/model.h"
#include "hub/safetensors.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kWarmupTokens = 4;  // new tokens of a warmup generation (torch_llama.py: WARMUP_TOKENS)

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

std::filesystem::path checkpoint_path(const std::filesystem::path& dir) {
  const auto index = dir / "model.safetensors.index.json";
  return std::filesystem::exists(index) ? index : dir / "model.safetensors";
}

// Parameters and their bytes as stored in the checkpoint.
struct Stored {
  std::uint64_t parameters = 0;
  std::uint64_t bytes = 0;
};

Stored stored(const std::filesystem::path& dir) {
  const auto checkpoint = hub::safetensors::Checkpoint::open(checkpoint_path(dir));
  Stored s;
  for (auto name : checkpoint.names()) {
    const auto t = checkpoint.get(name);
    s.parameters += t.element_count();
    s.bytes += t.data.size();
  }
  return s;
}

// Weight bytes the model holds in memory. libhub borrows tensors it computes on as stored from
// the mapped file and converts the others to f32 at load (owned, anonymous memory). For the BF16
// checkpoints bench_decoder_gen writes, each converted byte pair of the file became 4 bytes, so
// in memory = converted + (file bytes not converted) = file bytes + converted / 2, where converted
// is the anonymous memory the load added (rope tables and other small buffers add ~0.1%).
std::uint64_t weight_bytes(std::uint64_t file_bytes, std::uint64_t anon_added) {
  return std::min(2 * file_bytes, file_bytes + anon_added / 2);
}

hub::ModelInput make_prompt(std::size_t length, std::size_t vocab) {
  hub::ModelInput in;
  in.batch = 1;
  in.seq_len = length;
  in.input_ids = bench::prompt(length, vocab);
  in.attention_mask.assign(length, 1);
  return in;
}

hub::GenerationOptions greedy(std::size_t new_tokens) {
  // eos -1 never comes out: every run generates exactly new_tokens tokens.
  return {.max_new_tokens = new_tokens, .do_sample = false, .eos_token_ids = {-1}, .pad_token_id = 0};
}

struct Run {
  double prefill_s = 0;
  double decode_tokens_per_s = 0;
  std::vector<std::int32_t> tokens;
};

Run generate(const hub::Model& model, const hub::ModelInput& prompt, std::size_t new_tokens) {
  std::vector<Clock::time_point> stamps;
  stamps.reserve(new_tokens);
  const auto start = Clock::now();
  auto out = model.generate(prompt, greedy(new_tokens), [&](std::size_t, std::int32_t) {
    stamps.push_back(Clock::now());
    return true;
  });
  if (out.size() != 1 || out[0].size() != new_tokens || stamps.size() != new_tokens) {
    throw std::runtime_error("generate returned " + std::to_string(out.empty() ? 0 : out[0].size()) +
                             " tokens, expected " + std::to_string(new_tokens));
  }
  Run r{.prefill_s = seconds(start, stamps.front()), .tokens = std::move(out[0])};
  if (new_tokens > 1) {
    r.decode_tokens_per_s = static_cast<double>(new_tokens - 1) / seconds(stamps.front(), stamps.back());
  }
  return r;
}

nlohmann::json time_generate(const hub::Model& model, std::size_t prompt_len, std::size_t new_tokens, int warmup,
                             int runs) {
  const auto prompt = make_prompt(prompt_len, model.config().vocab_size);
  // Warmup: the whole prompt, a few new tokens (page faults, thread pools, workspace growth).
  for (int i = 0; i < warmup; ++i) generate(model, prompt, std::min<std::size_t>(new_tokens, kWarmupTokens));
  std::vector<double> prefill, decode;
  std::vector<std::int32_t> tokens;
  for (int i = 0; i < runs; ++i) {
    Run r = generate(model, prompt, new_tokens);
    if (i > 0 && r.tokens != tokens) throw std::runtime_error("greedy tokens differ between runs");
    tokens = std::move(r.tokens);
    prefill.push_back(static_cast<double>(prompt_len) / r.prefill_s);
    decode.push_back(r.decode_tokens_per_s);
  }
  return {{"prefill_tokens_per_s", bench::median(prefill)},
          {"decode_tokens_per_s", bench::median(decode)},
          {"prefill_runs", prefill},
          {"decode_runs", decode},
          {"tokens", tokens}};
}

void dump(const hub::Model& model, std::size_t prompt_len, std::size_t new_tokens, const std::filesystem::path& file) {
  const auto prompt = make_prompt(prompt_len, model.config().vocab_size);
  const Run r = generate(model, prompt, new_tokens);
  const hub::ModelOutput out = model.forward(prompt);
  using hub::safetensors::Dtype;
  const std::vector<std::uint64_t> prompt_shape{prompt_len}, tokens_shape{new_tokens},
      logits_shape{prompt_len, model.config().vocab_size};
  std::vector<hub::safetensors::TensorData> tensors{
      {.name = "input_ids",
       .dtype = Dtype::i32,
       .shape = prompt_shape,
       .data = std::as_bytes(std::span(prompt.input_ids))},
      {.name = "tokens", .dtype = Dtype::i32, .shape = tokens_shape, .data = std::as_bytes(std::span(r.tokens))},
      {.name = "logits",
       .dtype = Dtype::f32,
       .shape = logits_shape,
       .data = std::as_bytes(std::span(out.logits.values))},
  };
  hub::safetensors::write(file, tensors);
}

nlohmann::json bandwidth(const std::string& model_dir, std::size_t megabytes, int threads, int passes) {
  nlohmann::json j = bench::read_bandwidth(megabytes, threads, passes);
  j["mode"] = "bandwidth";
  if (!model_dir.empty()) {
    const Stored s = stored(model_dir);
    const double gbps = j["all_threads"]["median_gb_per_s"].get<double>();
    const double params = static_cast<double>(s.parameters);
    j["weight_parameters"] = s.parameters;
    // Every decoded token reads each matrix once (the tied head reads the whole embedding).
    j["bound_bf16_tokens_per_s"] = gbps * 1e9 / (2 * params);
    j["bound_f32_tokens_per_s"] = gbps * 1e9 / (4 * params);
  }
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_dir, dump_file;
  std::size_t prompt_len = 512, new_tokens = 128, bandwidth_mb = 1024;
  int warmup = 1, runs = 3, threads = static_cast<int>(std::thread::hardware_concurrency());
  bool bw = false;
  CLI::App app{"libhub Llama prefill + greedy decode benchmark"};
  app.add_option("--model", model_dir, "Folder written by bench_decoder_gen");
  app.add_option("--prompt-len", prompt_len)->check(CLI::PositiveNumber);
  app.add_option("--new-tokens", new_tokens)->check(CLI::PositiveNumber);
  app.add_option("--warmup", warmup);
  app.add_option("--runs", runs)->check(CLI::PositiveNumber);
  app.add_option("--threads", threads)->check(CLI::PositiveNumber);
  app.add_option("--dump", dump_file, "Write prompt, greedy tokens and prompt logits here (for --check), then exit");
  app.add_flag("--bandwidth", bw, "Measure streaming read bandwidth (and, with --model, the decode bound)");
  app.add_option("--bandwidth-mb", bandwidth_mb, "--bandwidth: buffer size")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  try {
    if (bw) {
      std::printf("%s\n", bandwidth(model_dir, bandwidth_mb, threads, runs).dump().c_str());
      return 0;
    }
    if (model_dir.empty()) throw std::invalid_argument("--model is required (or --bandwidth)");
    const bench::Resident before = bench::resident();
    const auto start = Clock::now();
    const hub::Model model = hub::AutoModel::from_pretrained(model_dir, {.threads = threads});
    const double load_s = seconds(start, Clock::now());
    const bench::Resident loaded = bench::resident();
    if (!dump_file.empty()) {
      dump(model, prompt_len, new_tokens, dump_file);
      std::printf(
          "%s\n",
          nlohmann::json{{"dump", dump_file}, {"prompt_len", prompt_len}, {"new_tokens", new_tokens}}.dump().c_str());
      return 0;
    }
    const Stored s = stored(model_dir);
    const std::uint64_t anon_added = loaded.anon > before.anon ? loaded.anon - before.anon : 0;
    nlohmann::json j = {{"peer", "libhub"},
                        {"checkpoint_dtype", model.config().dtype},
                        {"threads", threads},
                        {"prompt_len", prompt_len},
                        {"new_tokens", new_tokens},
                        {"warmup", warmup},
                        {"runs", runs},
                        {"load_s", load_s}};
    j.update(time_generate(model, prompt_len, new_tokens, warmup, runs));
    const bench::Resident after = bench::resident();
    j["weight_parameters"] = s.parameters;
    j["file_weight_bytes"] = s.bytes;
    j["load_added_anon_mb"] = static_cast<double>(anon_added) / 1e6;
    j["resident_file_mb"] = static_cast<double>(after.file) / 1e6;
    const std::uint64_t in_memory = weight_bytes(s.bytes, anon_added);
    j["weight_bytes_in_memory"] = in_memory;
    j["weight_bytes_per_parameter"] = static_cast<double>(in_memory) / static_cast<double>(s.parameters);
    j["peak_rss_mb"] = static_cast<double>(bench::peak_rss_bytes()) / 1e6;
    std::printf("%s\n", j.dump().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_decoder: %s\n", e.what());
    return 1;
  }
  return 0;
}
