// The parametrized decoder-only transformer (GPT-2, Llama, Mistral, Qwen2/3, Gemma, Phi-3):
// pre-norm layers, rotary or learned positions, grouped-query attention over a preallocated KV
// cache, gated or plain MLP, tied or separate LM head. DecoderLayout says which.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "engine/backend.h"
#include "engine/rope.h"
#include "hub/model.h"
#include "models/decoder_layout.h"
#include "models/encoder.h"
#include "models/weights.h"

namespace hub::models {

// Keys and values of every layer for a batch, preallocated for `capacity` positions per row
// (never reallocated while generating).
struct KvCache {
  std::size_t batch = 0;
  std::size_t capacity = 0;
  std::size_t length = 0;                   // slots filled per row
  std::vector<std::vector<float>> k, v;     // per layer: [batch * capacity, kv_heads * head_dim]
  std::vector<std::int32_t> valid;          // [batch * capacity]: 1 for real tokens, 0 for padding
  std::vector<std::int32_t> next_position;  // per row: the position id of its next real token
};

struct DecoderWorkspace {
  std::vector<float> hidden, normed, qkv, attention, scratch, mlp, activated;
  std::vector<float> cos, sin;
  std::vector<std::int32_t> positions;

  engine::MatrixView view(std::vector<float>& buffer, std::size_t rows, std::size_t cols) {
    if (buffer.size() < rows * cols) buffer.resize(rows * cols);
    return engine::dense(buffer.data(), rows, cols);
  }
};

class Decoder {
 public:
  Decoder(const ModelConfig& config, const DecoderLayout& layout, const WeightSource& weights);

  KvCache make_cache(std::size_t batch, std::size_t capacity) const;
  // Feeds `n` new tokens per row ([batch * n] ids and mask; mask 0 = left padding), appends them
  // to the cache and returns the final-normed hidden states [batch * n, hidden] (a view into
  // `ws`, valid until the next call).
  engine::MatrixView step(engine::Backend& backend, DecoderWorkspace& ws, KvCache& cache,
                          std::span<const std::int32_t> ids, std::span<const std::int32_t> mask, std::size_t n) const;
  // Vocabulary logits for hidden rows: out [rows, vocab].
  void logits(engine::Backend& backend, engine::ConstMatrixView hidden, engine::MatrixView out) const;

  std::size_t vocab_size() const noexcept { return vocab_; }
  std::size_t hidden_size() const noexcept { return hidden_; }
  std::size_t max_positions() const noexcept { return max_positions_; }

 private:
  struct Layer {
    engine::Norm input_norm, post_attention_norm;
    std::optional<engine::Linear> qkv;  // fused; else query/key/value
    engine::Linear query, key, value, output;
    std::optional<engine::Norm> q_norm, k_norm;
    std::optional<engine::Linear> gate_up;  // fused; else gate/up
    engine::Linear gate, up, down, fc, proj;
  };

  engine::NormSpec norm_spec(const engine::Norm& norm) const;
  void validate(std::span<const std::int32_t> ids, std::span<const std::int32_t> mask, const KvCache& cache,
                std::size_t n) const;

  const DecoderLayout& layout_;
  std::size_t hidden_, q_heads_, kv_heads_, head_dim_, intermediate_, vocab_, max_positions_, window_;
  float eps_;
  engine::Activation activation_;
  std::optional<engine::Rope> rope_;
  engine::Weight word_, position_;
  std::vector<Layer> layers_;
  engine::Norm final_norm_;
  engine::Linear lm_head_;
};

}  // namespace hub::models
