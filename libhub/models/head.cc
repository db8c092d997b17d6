#include "models/head.h"

#include <algorithm>

#include "hub/error.h"

namespace hub::models {

Head::Head(const ModelConfig& c, const HeadLayout& layout, const Encoder& encoder, const WeightSource& weights)
    : kind_(layout.head),
      encoder_(encoder),
      uses_pooler_(layout.uses_pooler),
      eps_(static_cast<float>(c.layer_norm_eps)) {
  const std::size_t h = c.hidden_size;
  const std::size_t n = kind_ == ModelHead::masked_lm ? c.vocab_size : c.num_labels();
  if (uses_pooler_ && encoder.pooler() == nullptr) {
    throw Error(Errc::invalid_input,
                "weights: the sequence classification head needs the pooler (pooler.dense), which is missing");
  }
  if (!layout.dense.empty()) {
    dense_ = weights.linear(layout.dense, h, h);
    dense_activation_ = layout.dense_activation == "config"
                            ? engine::parse_activation(c.hidden_act, "config.json: hidden_act")
                            : engine::parse_activation(layout.dense_activation, "head activation");
  }
  if (!layout.norm.empty()) norm_ = weights.norm(layout.norm, h);
  if (weights.has(layout.out + ".weight")) {
    out_.weight = weights.operand(layout.out + ".weight", n, h);
  } else if (layout.tied_out == "word_embeddings") {
    // Tied: the projection is the word embedding matrix itself; borrow it without a copy.
    const auto& we = encoder.word_embeddings();
    if (we.rows() != n || we.cols() != h)
      throw Error(Errc::invalid_input, "weights: tied embeddings do not match the head");
    out_.weight = engine::Weight::borrow(we);
  } else {
    throw Error(Errc::invalid_input, "weights: tensor '" + layout.out + ".weight' is missing");
  }
  if (!layout.out_bias.empty() && weights.has(layout.out_bias)) {
    out_.bias = weights.vector(layout.out_bias, n);
  } else if (weights.has(layout.out + ".bias")) {
    out_.bias = weights.vector(layout.out + ".bias", n);
  }
}

FloatTensor Head::forward(engine::Backend& backend, Workspace& ws, engine::ConstMatrixView hidden, std::size_t batch,
                          std::size_t seq) const {
  const bool per_sequence = kind_ == ModelHead::sequence_classification;
  const std::size_t h = hidden.cols;
  engine::ConstMatrixView input = hidden;
  std::vector<float> first_tokens;
  if (per_sequence) {
    // Sequence heads read the first token ([CLS] / <s>) of every row.
    first_tokens.resize(batch * h);
    for (std::size_t b = 0; b < batch; ++b) std::copy_n(hidden.row(b * seq), h, first_tokens.data() + b * h);
    input = engine::ConstMatrixView(first_tokens.data(), batch, h, h);
  }
  const std::size_t rows = input.rows;
  std::vector<float> transformed;
  if (uses_pooler_) {
    transformed.resize(rows * h);
    auto out = engine::dense(transformed.data(), rows, h);
    backend.linear(input, *encoder_.pooler(), out, engine::Activation::tanh);
    input = out;
  }
  if (dense_) {
    std::vector<float> next(rows * h);
    auto out = engine::dense(next.data(), rows, h);
    backend.linear(input, *dense_, out, dense_activation_);
    if (norm_) backend.add_layer_norm(out, {}, *norm_, eps_);
    transformed = std::move(next);
    input = engine::ConstMatrixView(transformed.data(), rows, h, h);
  }
  FloatTensor logits;
  const std::size_t n = out_.out_features();
  logits.shape = per_sequence ? std::vector<std::size_t>{batch, n} : std::vector<std::size_t>{batch, seq, n};
  logits.values.resize(rows * n);
  auto out = engine::dense(logits.values.data(), rows, n);
  backend.linear(input, out_, out);
  (void)ws;
  return logits;
}

}  // namespace hub::models
