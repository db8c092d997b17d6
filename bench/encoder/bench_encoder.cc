// bench_encoder: BertModel inference through hub::AutoModel, timed; one JSON object on stdout.
//
//   bench_encoder --model DIR [--batch 32 --seq 128 --warmup 2 --runs 5 --threads N]
//   bench_encoder --model DIR --dump FILE --batch 3 --seq 16   # fixed padded input + output
//   bench_encoder --gemm-peak [--m 4096 --n 3072 --k 768 --runs 5 --threads N]
//
// The timed mode feeds the ids of common.h (no padding) and reports the median forward latency,
// throughput, achieved GFLOP/s (common.h's FLOP count) and the process's peak RSS. --dump writes
// input_ids, attention_mask and the last hidden state to a safetensors file for torch_bert.py
// --check. torch_bert.py prints the same fields for PyTorch.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "common.h"
#include "gemm_peak.h"
#include "hub/model.h"
#include "hub/safetensors.h"

namespace {

bench::Shape shape_of(const hub::ModelConfig& c) {
  return {.layers = c.num_hidden_layers,
          .hidden = c.hidden_size,
          .heads = c.num_attention_heads,
          .intermediate = c.intermediate_size,
          .vocab = c.vocab_size,
          .max_positions = c.max_position_embeddings,
          .type_vocab = c.type_vocab_size};
}

hub::ModelInput make_input(std::size_t batch, std::size_t seq, std::size_t vocab, bool padded) {
  hub::ModelInput in;
  in.batch = batch;
  in.seq_len = seq;
  in.input_ids.assign(batch * seq, 0);
  in.attention_mask.assign(batch * seq, 0);
  in.token_type_ids.assign(batch * seq, 0);
  for (std::size_t b = 0; b < batch; ++b) {
    const std::size_t len = bench::attended(b, seq, padded);
    for (std::size_t s = 0; s < len; ++s) {
      in.input_ids[b * seq + s] = bench::input_id(b, s, vocab);
      in.attention_mask[b * seq + s] = 1;
    }
  }
  return in;
}

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void dump(const hub::Model& model, const hub::ModelInput& in, const std::filesystem::path& file) {
  const hub::ModelOutput out = model.forward(in);
  using hub::safetensors::Dtype;
  const std::vector<std::uint64_t> ids_shape{in.batch, in.seq_len};
  std::vector<std::uint64_t> hidden_shape(out.hidden.shape.begin(), out.hidden.shape.end());
  std::vector<hub::safetensors::TensorData> tensors{
      {.name = "input_ids", .dtype = Dtype::i32, .shape = ids_shape, .data = std::as_bytes(std::span(in.input_ids))},
      {.name = "attention_mask",
       .dtype = Dtype::i32,
       .shape = ids_shape,
       .data = std::as_bytes(std::span(in.attention_mask))},
      {.name = "last_hidden_state",
       .dtype = Dtype::f32,
       .shape = hidden_shape,
       .data = std::as_bytes(std::span(out.hidden.values))},
  };
  hub::safetensors::write(file, tensors);
}

nlohmann::json time_forward(const hub::Model& model, const hub::ModelInput& in, int warmup, int runs) {
  for (int i = 0; i < warmup; ++i) model.forward(in);
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const hub::ModelOutput out = model.forward(in);
    ms.push_back(elapsed_ms(start));
    if (out.hidden.values.empty()) throw std::runtime_error("empty output");
  }
  const double med = bench::median(ms);
  const double flops = bench::forward_flops(shape_of(model.config()), in.batch, in.seq_len);
  return {{"median_ms", med},
          {"times_ms", ms},
          {"sequences_per_s", static_cast<double>(in.batch) / (med / 1e3)},
          {"tokens_per_s", static_cast<double>(in.batch * in.seq_len) / (med / 1e3)},
          {"gflop_per_forward", flops / 1e9},
          {"gflops", flops / 1e9 / (med / 1e3)}};
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_dir, dump_file;
  std::size_t batch = 32, seq = 128, m = 4096, n = 3072, k = 768;
  int warmup = 2, runs = 5, threads = static_cast<int>(std::thread::hardware_concurrency());
  bool gemm = false;
  CLI::App app{"libhub BertModel inference benchmark"};
  app.add_option("--model", model_dir, "Folder written by bench_encoder_gen");
  app.add_option("--batch", batch);
  app.add_option("--seq", seq);
  app.add_option("--warmup", warmup);
  app.add_option("--runs", runs)->check(CLI::PositiveNumber);
  app.add_option("--threads", threads)->check(CLI::PositiveNumber);
  bool whole_batches = false;
  app.add_flag("--whole-batches", whole_batches,
               "Run every batch op-parallel (ModelOptions::split_batches = false), for A/B comparisons");
  app.add_option("--dump", dump_file, "Write a fixed padded input and its last hidden state here, then exit");
  app.add_flag("--gemm-peak", gemm, "Measure sgemm GFLOP/s (OpenBLAS, oneDNN when built in) instead");
  app.add_option("--m", m, "--gemm-peak: rows of x (tokens)");
  app.add_option("--n", n, "--gemm-peak: output features");
  app.add_option("--k", k, "--gemm-peak: input features");
  CLI11_PARSE(app, argc, argv);
  try {
    if (gemm) {
      std::printf("%s\n", bench::gemm_peak(m, n, k, threads, runs).dump().c_str());
      return 0;
    }
    if (model_dir.empty()) throw std::invalid_argument("--model is required (or --gemm-peak)");
    const double start_rss_mb = static_cast<double>(bench::peak_rss_bytes()) / 1e6;
    const auto start = std::chrono::steady_clock::now();
    const hub::Model model =
        hub::AutoModel::from_pretrained(model_dir, {.threads = threads, .split_batches = !whole_batches});
    const double load_ms = elapsed_ms(start);
    const std::size_t vocab = model.config().vocab_size;
    if (!dump_file.empty()) {
      dump(model, make_input(batch, seq, vocab, true), dump_file);
      std::printf("%s\n", nlohmann::json{{"dump", dump_file}, {"batch", batch}, {"seq", seq}}.dump().c_str());
      return 0;
    }
    nlohmann::json j = {{"peer", "libhub"},
                        {"batch", batch},
                        {"seq", seq},
                        {"threads", threads},
                        {"split_batches", !whole_batches},
                        {"warmup", warmup},
                        {"runs", runs},
                        {"load_ms", load_ms}};
    j.update(time_forward(model, make_input(batch, seq, vocab, false), warmup, runs));
    j["weights_mb"] =
        static_cast<double>(std::filesystem::file_size(std::filesystem::path(model_dir) / "model.safetensors")) / 1e6;
    j["start_rss_mb"] = start_rss_mb;
    j["peak_rss_mb"] = static_cast<double>(bench::peak_rss_bytes()) / 1e6;
    std::printf("%s\n", j.dump().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_encoder: %s\n", e.what());
    return 1;
  }
  return 0;
}
