#include "models/encoder.h"

#include <cmath>
#include <string>

#include "hub/error.h"

namespace hub::models {

Encoder::Encoder(const ModelConfig& c, const EncoderLayout& layout, const WeightSource& weights)
    : hidden_(c.hidden_size),
      heads_(c.num_attention_heads),
      vocab_(c.vocab_size),
      max_positions_(c.max_position_embeddings),
      type_vocab_(0),
      eps_(static_cast<float>(c.layer_norm_eps)),
      activation_(engine::parse_activation(c.hidden_act, "config.json: hidden_act")),
      positions_(layout.positions),
      padding_idx_(c.pad_token_id.value_or(1)) {
  std::string prefix;
  bool found = false;
  for (const auto& p : layout.prefixes) {
    if (weights.has(p + layout.word_embeddings)) {
      prefix = p;
      found = true;
      break;
    }
  }
  if (!found) {
    throw Error(Errc::invalid_input, "weights: no '" + layout.word_embeddings +
                                         "' under any of the expected prefixes (" + layout.prefixes.front() +
                                         "...): not a " + c.model_type + " checkpoint?");
  }
  const std::size_t h = hidden_, inter = c.intermediate_size;
  word_ = weights.operand(prefix + layout.word_embeddings, vocab_, h);
  position_ = weights.matrix(prefix + layout.position_embeddings, max_positions_, h);
  if (!layout.token_type_embeddings.empty() && c.type_vocab_size > 0 &&
      weights.has(prefix + layout.token_type_embeddings)) {
    type_vocab_ = c.type_vocab_size;
    token_type_ = weights.matrix(prefix + layout.token_type_embeddings, type_vocab_, h);
  }
  embeddings_norm_ = weights.norm(prefix + layout.embeddings_norm, h);
  for (std::size_t i = 0; i < c.num_hidden_layers; ++i) {
    const std::string base = prefix + with_index(layout.layer, i);
    Layer l;
    l.query = weights.linear(base + layout.query, h, h);
    l.key = weights.linear(base + layout.key, h, h);
    l.value = weights.linear(base + layout.value, h, h);
    l.attention_output = weights.linear(base + layout.attention_output, h, h);
    l.attention_norm = weights.norm(base + layout.attention_norm, h);
    l.ffn_in = weights.linear(base + layout.ffn_in, inter, h);
    l.ffn_out = weights.linear(base + layout.ffn_out, h, inter);
    l.ffn_norm = weights.norm(base + layout.ffn_norm, h);
    layers_.push_back(std::move(l));
  }
  if (!layout.pooler.empty() && weights.has(prefix + layout.pooler + ".weight")) {
    pooler_ = weights.linear(prefix + layout.pooler, h, h);
  }
}

void Encoder::prepare(engine::Backend& backend) {
  for (Layer& l : layers_) {
    for (engine::Linear* linear : {&l.query, &l.key, &l.value, &l.attention_output, &l.ffn_in, &l.ffn_out}) {
      backend.prepare(*linear);
    }
  }
  if (pooler_) backend.prepare(*pooler_);
}

void Encoder::validate(const ModelInput& in) const {
  const std::size_t n = in.batch * in.seq_len;
  if (in.batch == 0 || in.seq_len == 0) throw Error(Errc::invalid_input, "model input: empty batch");
  if (in.input_ids.size() != n || in.attention_mask.size() != n ||
      (!in.token_type_ids.empty() && in.token_type_ids.size() != n)) {
    throw Error(Errc::invalid_input,
                "model input: input_ids, attention_mask and token_type_ids must hold batch x seq_len values");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (in.input_ids[i] < 0 || static_cast<std::size_t>(in.input_ids[i]) >= vocab_) {
      throw Error(Errc::invalid_input, "model input: token id " + std::to_string(in.input_ids[i]) +
                                           " is outside the vocabulary (" + std::to_string(vocab_) + " ids)");
    }
    if (in.attention_mask[i] != 0 && in.attention_mask[i] != 1) {
      throw Error(Errc::invalid_input, "model input: attention_mask values must be 0 or 1");
    }
    if (!in.token_type_ids.empty()) {
      auto t = in.token_type_ids[i];
      std::size_t types = std::max<std::size_t>(type_vocab_, 1);
      if (t < 0 || static_cast<std::size_t>(t) >= types) {
        throw Error(Errc::invalid_input, "model input: token type id " + std::to_string(t) + " is outside [0, " +
                                             std::to_string(types) + ")");
      }
    }
  }
}

void Encoder::position_ids(const ModelInput& in, std::vector<std::int32_t>& out) const {
  out.resize(in.batch * in.seq_len);
  for (std::size_t b = 0; b < in.batch; ++b) {
    std::int64_t count = 0;
    for (std::size_t s = 0; s < in.seq_len; ++s) {
      std::size_t i = b * in.seq_len + s;
      std::int64_t pos = static_cast<std::int64_t>(s);
      if (positions_ == Positions::after_padding) {
        // RoBERTa numbers non-padding tokens from padding_idx + 1; padding keeps padding_idx.
        pos = in.input_ids[i] != padding_idx_ ? padding_idx_ + ++count : padding_idx_;
      }
      if (pos < 0 || static_cast<std::size_t>(pos) >= max_positions_) {
        std::size_t limit = positions_ == Positions::after_padding
                                ? max_positions_ - static_cast<std::size_t>(padding_idx_) - 1
                                : max_positions_;
        throw Error(Errc::invalid_input, "model input: sequence of " + std::to_string(in.seq_len) +
                                             " tokens is longer than the model's " + std::to_string(limit) +
                                             " positions (truncate it)");
      }
      out[i] = static_cast<std::int32_t>(pos);
    }
  }
}

engine::MatrixView Encoder::forward(engine::Backend& backend, Workspace& ws, const ModelInput& in) const {
  validate(in);
  const std::size_t tokens = in.batch * in.seq_len, h = hidden_;
  position_ids(in, ws.positions);
  auto x = ws.view(ws.hidden, tokens, h);
  {
    std::vector<const engine::Weight*> tables = {&word_, &position_};
    std::vector<std::span<const std::int32_t>> ids = {in.input_ids, ws.positions};
    if (!token_type_.empty()) {
      if (in.token_type_ids.empty()) ws.token_types.assign(tokens, 0);
      tables.push_back(&token_type_);
      ids.push_back(in.token_type_ids.empty() ? std::span<const std::int32_t>(ws.token_types)
                                              : std::span<const std::int32_t>(in.token_type_ids));
    }
    backend.embed(tables, ids, x);
    backend.add_layer_norm(x, {}, embeddings_norm_, eps_);
  }
  auto tmp = ws.view(ws.scratch, tokens, h);
  auto qkv = ws.view(ws.qkv, tokens, 3 * h);
  auto ctx = ws.view(ws.context, tokens, h);
  const std::size_t inter = layers_.empty() ? 0 : layers_.front().ffn_in.out_features();
  auto ffn = ws.view(ws.ffn, tokens, inter);
  engine::AttentionArgs attn{.q = qkv.columns(0, h),
                             .k = qkv.columns(h, h),
                             .v = qkv.columns(2 * h, h),
                             .out = ctx,
                             .batch = in.batch,
                             .seq = in.seq_len,
                             .heads = heads_,
                             .head_dim = h / heads_,
                             .key_mask = in.attention_mask,
                             .scale = 1.0f / std::sqrt(static_cast<float>(h / heads_))};
  for (const Layer& l : layers_) {
    backend.linear(x, l.query, qkv.columns(0, h));
    backend.linear(x, l.key, qkv.columns(h, h));
    backend.linear(x, l.value, qkv.columns(2 * h, h));
    backend.attention(attn);
    backend.linear(ctx, l.attention_output, tmp);
    backend.add_layer_norm(tmp, x, l.attention_norm, eps_);  // tmp = LN(attn + x)
    backend.linear(tmp, l.ffn_in, ffn, activation_);
    backend.linear(ffn, l.ffn_out, x);
    backend.add_layer_norm(x, tmp, l.ffn_norm, eps_);  // x = LN(ffn + tmp)
  }
  return x;
}

}  // namespace hub::models
