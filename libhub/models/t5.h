// T5 (T5ForConditionalGeneration): an encoder and a decoder of pre-RMS-norm layers with relative
// position buckets instead of position embeddings, unscaled attention, gated or plain FFN, a
// decoder that cross-attends to the encoder output, and a tied LM head scaled by d_model^-0.5.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "engine/backend.h"
#include "hub/model.h"
#include "models/decoder.h"
#include "models/weights.h"

namespace hub::models {

// The decoder's state for one batch: self-attention KV cache and the encoder's keys/values.
struct T5State {
  std::size_t batch = 0, capacity = 0, length = 0, encoder_length = 0;
  std::vector<std::vector<float>> self_k, self_v;    // per layer [batch * capacity, inner]
  std::vector<std::vector<float>> cross_k, cross_v;  // per layer [batch * encoder_length, inner]
  std::vector<std::int32_t> self_valid;              // [batch * capacity]
  std::vector<std::int32_t> encoder_valid;           // [batch * encoder_length]
};

class T5 {
 public:
  T5(const ModelConfig& config, const WeightSource& weights);

  // The encoder's final hidden states [batch * seq, hidden] (a view into `ws`).
  engine::MatrixView encode(engine::Backend& backend, DecoderWorkspace& ws, const ModelInput& input) const;
  // Prepares decoding over `encoded` (copied into the state's cross-attention keys/values) for
  // up to `capacity` decoder tokens.
  T5State start(engine::Backend& backend, DecoderWorkspace& ws, engine::ConstMatrixView encoded,
                std::span<const std::int32_t> encoder_mask, std::size_t batch, std::size_t capacity) const;
  // One decoder token per row; returns the final-normed hidden states [batch, hidden].
  engine::MatrixView decode(engine::Backend& backend, DecoderWorkspace& ws, T5State& state,
                            std::span<const std::int32_t> ids) const;
  void logits(engine::Backend& backend, engine::ConstMatrixView hidden, engine::MatrixView out) const;

  std::size_t vocab_size() const noexcept { return vocab_; }
  std::int32_t decoder_start() const noexcept { return decoder_start_; }

 private:
  struct Attention {
    engine::Linear q, k, v, o;
  };
  struct Layer {
    engine::Norm self_norm;
    Attention self;
    std::optional<engine::Norm> cross_norm;  // decoder only
    Attention cross;
    engine::Norm ffn_norm;
    engine::Linear wi_0, wi_1, wi, wo;
  };

  Layer load_layer(const WeightSource& w, const std::string& base, bool decoder) const;
  engine::NormSpec rms(const engine::Norm& norm) const;
  void ffn(engine::Backend& backend, DecoderWorkspace& ws, const Layer& layer, engine::MatrixView x,
           std::size_t rows) const;
  // bias[h][i][j] for query positions `queries` against keys 0..keys-1.
  void position_bias(const engine::Weight& table, bool bidirectional, std::span<const std::size_t> queries,
                     std::size_t keys, std::vector<float>& out) const;

  std::size_t hidden_, heads_, head_dim_, inner_, ff_, vocab_, buckets_, max_distance_;
  float eps_;
  engine::Activation activation_;
  bool gated_;
  std::int32_t decoder_start_;
  engine::Weight shared_;
  engine::Weight encoder_bias_, decoder_bias_;
  std::vector<Layer> encoder_, decoder_;
  engine::Norm encoder_final_, decoder_final_;
  engine::Linear lm_head_;
  bool tied_;
};

}  // namespace hub::models
