// A task head (masked LM, sequence or token classification) over the encoder's hidden states,
// described by a HeadLayout.
#pragma once

#include <optional>

#include "engine/backend.h"
#include "hub/model.h"
#include "models/architecture.h"
#include "models/encoder.h"

namespace hub::models {

class Head {
 public:
  Head(const ModelConfig& config, const HeadLayout& layout, const Encoder& encoder, const WeightSource& weights);

  ModelHead kind() const noexcept { return kind_; }
  std::size_t outputs() const noexcept { return out_.out_features(); }
  // Logits for `hidden` [batch * seq, hidden]: [batch, seq, outputs] for token heads, [batch,
  // outputs] for sequence heads.
  FloatTensor forward(engine::Backend& backend, Workspace& ws, engine::ConstMatrixView hidden, std::size_t batch,
                      std::size_t seq) const;

 private:
  ModelHead kind_;
  const Encoder& encoder_;
  bool uses_pooler_ = false;
  std::optional<engine::Linear> dense_;
  engine::Activation dense_activation_ = engine::Activation::none;
  std::optional<engine::Norm> norm_;
  float eps_;
  engine::Linear out_;  // may borrow the word embeddings (tied weights)
};

}  // namespace hub::models
