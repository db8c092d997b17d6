// bench_encoder_gen: writes a BertModel folder (config.json in the transformers layout and an F32
// model.safetensors with the BertModel tensor names) filled with deterministic pseudo-random
// weights, for bench_encoder and torch_bert.py.
//
//   bench_encoder_gen --out DIR [--layers 12 --hidden 768 --heads 12 --intermediate 3072
//                     --vocab 30522 --seed 42]
//
// Weights and biases: uniform with standard deviation 0.02 (BERT's initializer_range); layer-norm
// scales 1 and shifts 0, each with noise of standard deviation 0.05, so the check exercises them. The same seed gives
// the same file.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common.h"
#include "hub/error.h"
#include "hub/safetensors.h"

namespace {

// splitmix64: fast, portable and fully specified (std:: distributions are not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [-1, 1).
  float symmetric() { return static_cast<float>(static_cast<double>(next() >> 11) * 0x1.0p-52 - 1.0); }

 private:
  std::uint64_t state_;
};

struct Tensor {
  std::string name;
  std::vector<std::uint64_t> shape;
  std::vector<float> values;
};

class Builder {
 public:
  explicit Builder(std::uint64_t seed) : rng_(seed) {}

  // center + uniform noise of standard deviation `stddev`.
  void add(std::string name, std::vector<std::uint64_t> shape, float stddev, float center = 0.0f) {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    Tensor t{std::move(name), std::move(shape), std::vector<float>(n)};
    const float half_width = stddev * std::sqrt(3.0f);
    for (float& v : t.values) v = center + half_width * rng_.symmetric();
    tensors_.push_back(std::move(t));
  }
  void linear(const std::string& prefix, std::uint64_t out, std::uint64_t in) {
    add(prefix + ".weight", {out, in}, 0.02f);
    add(prefix + ".bias", {out}, 0.02f);
  }
  void norm(const std::string& prefix, std::uint64_t size) {
    add(prefix + ".weight", {size}, 0.05f, 1.0f);
    add(prefix + ".bias", {size}, 0.05f);
  }

  std::uint64_t bytes() const {
    std::uint64_t n = 0;
    for (const auto& t : tensors_) n += t.values.size() * sizeof(float);
    return n;
  }
  void write(const std::filesystem::path& path) const {
    std::vector<hub::safetensors::TensorData> data;
    for (const auto& t : tensors_) {
      data.push_back({.name = t.name,
                      .dtype = hub::safetensors::Dtype::f32,
                      .shape = t.shape,
                      .data = std::as_bytes(std::span<const float>(t.values))});
    }
    hub::safetensors::write(path, data, {{"format", "pt"}});
  }

 private:
  Rng rng_;
  std::vector<Tensor> tensors_;
};

nlohmann::json config_json(const bench::Shape& m) {
  return {
      {"architectures", {"BertModel"}},
      {"attention_probs_dropout_prob", 0.1},
      {"hidden_act", "gelu"},
      {"hidden_dropout_prob", 0.1},
      {"hidden_size", m.hidden},
      {"initializer_range", 0.02},
      {"intermediate_size", m.intermediate},
      {"layer_norm_eps", 1e-12},
      {"max_position_embeddings", m.max_positions},
      {"model_type", "bert"},
      {"num_attention_heads", m.heads},
      {"num_hidden_layers", m.layers},
      {"pad_token_id", 0},
      {"position_embedding_type", "absolute"},
      {"torch_dtype", "float32"},
      {"transformers_version", "4.46.0"},
      {"type_vocab_size", m.type_vocab},
      {"use_cache", true},
      {"vocab_size", m.vocab},
  };
}

}  // namespace

int main(int argc, char** argv) {
  bench::Shape m;
  std::string out;
  std::uint64_t seed = 42;
  CLI::App app{"Writes a random-weight BertModel folder for bench_encoder"};
  app.add_option("--out", out, "Output folder")->required();
  app.add_option("--layers", m.layers);
  app.add_option("--hidden", m.hidden);
  app.add_option("--heads", m.heads);
  app.add_option("--intermediate", m.intermediate);
  app.add_option("--vocab", m.vocab);
  app.add_option("--seed", seed);
  CLI11_PARSE(app, argc, argv);
  if (m.heads == 0 || m.hidden % m.heads != 0) {
    std::fprintf(stderr, "bench_encoder_gen: --hidden must be a multiple of --heads\n");
    return 2;
  }
  try {
    const std::filesystem::path dir(out);
    std::filesystem::create_directories(dir);
    const std::uint64_t h = m.hidden, inter = m.intermediate;
    Builder b(seed);
    b.add("embeddings.word_embeddings.weight", {m.vocab, h}, 0.02f);
    b.add("embeddings.position_embeddings.weight", {m.max_positions, h}, 0.02f);
    b.add("embeddings.token_type_embeddings.weight", {m.type_vocab, h}, 0.02f);
    b.norm("embeddings.LayerNorm", h);
    for (std::size_t i = 0; i < m.layers; ++i) {
      const std::string l = "encoder.layer." + std::to_string(i) + ".";
      b.linear(l + "attention.self.query", h, h);
      b.linear(l + "attention.self.key", h, h);
      b.linear(l + "attention.self.value", h, h);
      b.linear(l + "attention.output.dense", h, h);
      b.norm(l + "attention.output.LayerNorm", h);
      b.linear(l + "intermediate.dense", inter, h);
      b.linear(l + "output.dense", h, inter);
      b.norm(l + "output.LayerNorm", h);
    }
    b.linear("pooler.dense", h, h);
    b.write(dir / "model.safetensors");
    std::ofstream(dir / "config.json") << config_json(m).dump(2) << '\n';
    std::printf("%s: %.1f MB of F32 weights\n", dir.c_str(), static_cast<double>(b.bytes()) / 1e6);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_encoder_gen: %s\n", e.what());
    return 1;
  }
  return 0;
}
