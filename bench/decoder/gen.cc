// bench_decoder_gen: writes a LlamaForCausalLM folder shaped like Llama-3.2-1B (config.json in the
// transformers layout, BF16 model.safetensors with the Hugging Face tensor names) filled with
// deterministic pseudo-random weights, for bench_decoder and torch_llama.py.
//
//   bench_decoder_gen --out DIR [--small] [--seed 42] [--std 0.02]
//
// --small writes a tiny model of the same family (same config keys, llama3 rope, GQA, tied head)
// for smoke tests and the correctness check. Matrices: uniform with standard deviation --std
// (0.02); RMSNorm scales 1. The same seed gives the same file. The full model is 1.24 B parameters (2.47 GB).
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hub/safetensors.h"

namespace {

struct Shape {
  std::size_t layers = 16;
  std::size_t hidden = 2048;
  std::size_t heads = 32;
  std::size_t kv_heads = 8;
  std::size_t head_dim = 64;
  std::size_t intermediate = 8192;
  std::size_t vocab = 128256;
  std::int64_t bos = 128000, eos = 128001;
};

constexpr Shape small_shape() {
  return {.layers = 2,
          .hidden = 128,
          .heads = 4,
          .kv_heads = 2,
          .head_dim = 32,
          .intermediate = 384,
          .vocab = 1024,
          .bos = 1022,
          .eos = 1023};
}

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

// f32 -> bf16 with round-to-nearest-even, as torch's .to(torch.bfloat16) (no NaNs occur here).
std::uint16_t to_bf16(float f) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &f, sizeof bits);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<std::uint16_t>(bits >> 16);
}

struct Tensor {
  std::string name;
  std::vector<std::uint64_t> shape;
  std::vector<std::uint16_t> values;  // BF16 bits
};

class Builder {
 public:
  Builder(std::uint64_t seed, float stddev) : rng_(seed), stddev_(stddev) {}

  void matrix(std::string name, std::uint64_t rows, std::uint64_t cols) {
    Tensor t{std::move(name), {rows, cols}, std::vector<std::uint16_t>(rows * cols)};
    const float half_width = stddev_ * std::sqrt(3.0f);  // uniform with standard deviation stddev_
    for (auto& v : t.values) v = to_bf16(half_width * rng_.symmetric());
    tensors_.push_back(std::move(t));
  }
  void norm(std::string name, std::uint64_t size) {
    tensors_.push_back({std::move(name), {size}, std::vector<std::uint16_t>(size, to_bf16(1.0f))});
  }

  std::uint64_t parameters() const {
    std::uint64_t n = 0;
    for (const auto& t : tensors_) n += t.values.size();
    return n;
  }
  void write(const std::filesystem::path& path) const {
    std::vector<hub::safetensors::TensorData> data;
    for (const auto& t : tensors_) {
      data.push_back({.name = t.name,
                      .dtype = hub::safetensors::Dtype::bf16,
                      .shape = t.shape,
                      .data = std::as_bytes(std::span<const std::uint16_t>(t.values))});
    }
    hub::safetensors::write(path, data, {{"format", "pt"}});
  }

 private:
  Rng rng_;
  float stddev_;
  std::vector<Tensor> tensors_;
};

nlohmann::json config_json(const Shape& m) {
  return {
      {"architectures", {"LlamaForCausalLM"}},
      {"attention_bias", false},
      {"attention_dropout", 0.0},
      {"bos_token_id", m.bos},
      {"dtype", "bfloat16"},
      {"eos_token_id", m.eos},
      {"head_dim", m.head_dim},
      {"hidden_act", "silu"},
      {"hidden_size", m.hidden},
      {"initializer_range", 0.02},
      {"intermediate_size", m.intermediate},
      {"max_position_embeddings", 131072},
      {"mlp_bias", false},
      {"model_type", "llama"},
      {"num_attention_heads", m.heads},
      {"num_hidden_layers", m.layers},
      {"num_key_value_heads", m.kv_heads},
      {"pretraining_tp", 1},
      {"rms_norm_eps", 1e-5},
      {"rope_parameters",
       {{"factor", 32.0},
        {"high_freq_factor", 4.0},
        {"low_freq_factor", 1.0},
        {"original_max_position_embeddings", 8192},
        {"rope_theta", 500000.0},
        {"rope_type", "llama3"}}},
      {"tie_word_embeddings", true},
      {"transformers_version", "5.0.0"},
      {"use_cache", true},
      {"vocab_size", m.vocab},
  };
}

}  // namespace

int main(int argc, char** argv) {
  std::string out;
  std::uint64_t seed = 42;
  bool small = false;
  float stddev = 0.02f;
  CLI::App app{"Writes a random-weight Llama-3.2-1B-shaped LlamaForCausalLM folder for bench_decoder"};
  app.add_option("--out", out, "Output folder")->required();
  app.add_flag("--small", small, "A tiny model of the same family (smoke tests, correctness check)");
  app.add_option("--seed", seed);
  app.add_option("--std", stddev, "Standard deviation of the matrices (larger: less repetitive greedy output)");
  CLI11_PARSE(app, argc, argv);
  try {
    const Shape m = small ? small_shape() : Shape{};
    const std::filesystem::path dir(out);
    std::filesystem::create_directories(dir);
    const std::uint64_t h = m.hidden, qd = m.heads * m.head_dim, kvd = m.kv_heads * m.head_dim;
    Builder b(seed, stddev);
    b.matrix("model.embed_tokens.weight", m.vocab, h);
    for (std::size_t i = 0; i < m.layers; ++i) {
      const std::string l = "model.layers." + std::to_string(i) + ".";
      b.matrix(l + "self_attn.q_proj.weight", qd, h);
      b.matrix(l + "self_attn.k_proj.weight", kvd, h);
      b.matrix(l + "self_attn.v_proj.weight", kvd, h);
      b.matrix(l + "self_attn.o_proj.weight", h, qd);
      b.matrix(l + "mlp.gate_proj.weight", m.intermediate, h);
      b.matrix(l + "mlp.up_proj.weight", m.intermediate, h);
      b.matrix(l + "mlp.down_proj.weight", h, m.intermediate);
      b.norm(l + "input_layernorm.weight", h);
      b.norm(l + "post_attention_layernorm.weight", h);
    }
    b.norm("model.norm.weight", h);
    b.write(dir / "model.safetensors");
    std::ofstream(dir / "config.json") << config_json(m).dump(2) << '\n';
    std::printf("%s: %.3f B parameters, %.1f MB of BF16 weights\n", dir.c_str(),
                static_cast<double>(b.parameters()) / 1e9, static_cast<double>(b.parameters()) * 2 / 1e6);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_decoder_gen: %s\n", e.what());
    return 1;
  }
  return 0;
}
