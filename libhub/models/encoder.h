// The parametrized transformer encoder (BERT, RoBERTa, XLM-R, DistilBERT, ...): embeddings,
// post-norm self-attention layers, optional pooler. What differs between families is the
// EncoderLayout (names, position numbering), never the code.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "engine/backend.h"
#include "hub/model.h"
#include "models/architecture.h"
#include "models/weights.h"

namespace hub::models {

// Activation buffers reused across forward calls (grown, never shrunk).
struct Workspace {
  std::vector<float> hidden, scratch, qkv, context, ffn;
  std::vector<std::int32_t> positions, token_types;

  engine::MatrixView view(std::vector<float>& buffer, std::size_t rows, std::size_t cols) {
    if (buffer.size() < rows * cols) buffer.resize(rows * cols);
    return engine::dense(buffer.data(), rows, cols);
  }
};

class Encoder {
 public:
  Encoder(const ModelConfig& config, const EncoderLayout& layout, const WeightSource& weights);

  // Checks the batch against the model (ids in the vocabulary, lengths within the position
  // table, mask of 0/1); throws Errc::invalid_input saying what is wrong.
  void validate(const ModelInput& input) const;
  // The final hidden states [batch * seq, hidden], a view into `ws` valid until the next call.
  engine::MatrixView forward(engine::Backend& backend, Workspace& ws, const ModelInput& input) const;

  // Lets the backend store every layer's weights its own way (Backend::prepare); once, at load.
  void prepare(engine::Backend& backend);

  const engine::Weight& word_embeddings() const noexcept { return word_; }
  const engine::Linear* pooler() const noexcept { return pooler_ ? &*pooler_ : nullptr; }
  std::size_t hidden_size() const noexcept { return hidden_; }

 private:
  struct Layer {
    engine::Linear query, key, value, attention_output;
    engine::Norm attention_norm;
    engine::Linear ffn_in, ffn_out;
    engine::Norm ffn_norm;
  };

  void position_ids(const ModelInput& input, std::vector<std::int32_t>& out) const;

  std::size_t hidden_, heads_, vocab_, max_positions_, type_vocab_;
  float eps_;
  engine::Activation activation_;
  Positions positions_;
  std::int64_t padding_idx_;
  engine::Weight word_, position_, token_type_;
  engine::Norm embeddings_norm_;
  std::vector<Layer> layers_;
  std::optional<engine::Linear> pooler_;
};

}  // namespace hub::models
