#include "models/t5.h"

#include <cmath>
#include <string>

#include "hub/error.h"

namespace hub::models {
namespace {

// T5's relative position bucket (transformers' _relative_position_bucket), in float32 like torch.
std::size_t bucket(std::int64_t relative, bool bidirectional, std::size_t num_buckets, std::size_t max_distance) {
  std::size_t result = 0;
  std::size_t n = num_buckets;
  if (bidirectional) {
    n /= 2;
    if (relative > 0) result += n;
    relative = relative < 0 ? -relative : relative;
  } else {
    relative = relative < 0 ? -relative : 0;
  }
  const std::size_t max_exact = n / 2;
  if (static_cast<std::size_t>(relative) < max_exact) return result + static_cast<std::size_t>(relative);
  const float scaled =
      std::log(static_cast<float>(relative) / static_cast<float>(max_exact)) /
      static_cast<float>(std::log(static_cast<double>(max_distance) / static_cast<double>(max_exact))) *
      static_cast<float>(n - max_exact);
  std::size_t large = max_exact + static_cast<std::size_t>(scaled);
  return result + std::min(large, n - 1);
}

}  // namespace

T5::T5(const ModelConfig& c, const WeightSource& w)
    : hidden_(c.hidden_size),
      heads_(c.num_attention_heads),
      head_dim_(c.head_dim),
      inner_(c.num_attention_heads * c.head_dim),
      ff_(c.intermediate_size),
      vocab_(c.vocab_size),
      buckets_(c.relative_attention_num_buckets),
      max_distance_(c.relative_attention_max_distance),
      eps_(static_cast<float>(c.layer_norm_eps)),
      activation_(engine::parse_activation(c.hidden_act, "config.json: feed_forward_proj")),
      gated_(c.gated_ffn),
      decoder_start_(static_cast<std::int32_t>(c.decoder_start_token_id.value_or(c.pad_token_id.value_or(0)))) {
  shared_ = w.operand(w.has("shared.weight") ? "shared.weight" : "encoder.embed_tokens.weight", vocab_, hidden_);
  encoder_bias_ = w.matrix("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", buckets_, heads_);
  decoder_bias_ = w.matrix("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", buckets_, heads_);
  for (std::size_t i = 0; i < c.num_hidden_layers; ++i) {
    encoder_.push_back(load_layer(w, "encoder.block." + std::to_string(i) + ".", false));
  }
  for (std::size_t i = 0; i < c.num_decoder_layers; ++i) {
    decoder_.push_back(load_layer(w, "decoder.block." + std::to_string(i) + ".", true));
  }
  encoder_final_.gamma = w.vector("encoder.final_layer_norm.weight", hidden_);
  decoder_final_.gamma = w.vector("decoder.final_layer_norm.weight", hidden_);
  tied_ = c.tie_word_embeddings.value_or(true);
  if (tied_) {
    lm_head_.weight = engine::Weight::borrow(shared_);
  } else {
    lm_head_.weight = w.operand("lm_head.weight", vocab_, hidden_);
  }
}

T5::Layer T5::load_layer(const WeightSource& w, const std::string& base, bool decoder) const {
  Layer l;
  auto attention = [&](const std::string& prefix) {
    return Attention{w.linear(prefix + "q", inner_, hidden_), w.linear(prefix + "k", inner_, hidden_),
                     w.linear(prefix + "v", inner_, hidden_), w.linear(prefix + "o", hidden_, inner_)};
  };
  l.self_norm.gamma = w.vector(base + "layer.0.layer_norm.weight", hidden_);
  l.self = attention(base + "layer.0.SelfAttention.");
  std::string ffn = base + "layer.1.";
  if (decoder) {
    l.cross_norm.emplace();
    l.cross_norm->gamma = w.vector(base + "layer.1.layer_norm.weight", hidden_);
    l.cross = attention(base + "layer.1.EncDecAttention.");
    ffn = base + "layer.2.";
  }
  l.ffn_norm.gamma = w.vector(ffn + "layer_norm.weight", hidden_);
  if (gated_) {
    l.wi_0 = w.linear(ffn + "DenseReluDense.wi_0", ff_, hidden_);
    l.wi_1 = w.linear(ffn + "DenseReluDense.wi_1", ff_, hidden_);
  } else {
    l.wi = w.linear(ffn + "DenseReluDense.wi", ff_, hidden_);
  }
  l.wo = w.linear(ffn + "DenseReluDense.wo", hidden_, ff_);
  return l;
}

engine::NormSpec T5::rms(const engine::Norm& norm) const {
  engine::NormSpec spec;
  spec.kind = engine::NormSpec::Kind::rms;
  spec.gamma = &norm.gamma;
  spec.eps = eps_;
  return spec;
}

void T5::position_bias(const engine::Weight& table, bool bidirectional, std::span<const std::size_t> queries,
                       std::size_t keys, std::vector<float>& out) const {
  out.resize(heads_ * queries.size() * keys);
  for (std::size_t i = 0; i < queries.size(); ++i) {
    for (std::size_t j = 0; j < keys; ++j) {
      const auto relative = static_cast<std::int64_t>(j) - static_cast<std::int64_t>(queries[i]);
      const float* row = table.data() + bucket(relative, bidirectional, buckets_, max_distance_) * heads_;
      for (std::size_t h = 0; h < heads_; ++h) out[(h * queries.size() + i) * keys + j] = row[h];
    }
  }
}

void T5::ffn(engine::Backend& backend, DecoderWorkspace& ws, const Layer& l, engine::MatrixView x,
             std::size_t rows) const {
  auto normed = ws.view(ws.normed, rows, hidden_);
  auto mlp = ws.view(ws.mlp, rows, 2 * ff_);
  auto activated = ws.view(ws.activated, rows, ff_);
  auto out = ws.view(ws.scratch, rows, hidden_);
  backend.norm(x, rms(l.ffn_norm), normed);
  if (gated_) {
    backend.linear(normed, l.wi_0, mlp.columns(0, ff_));
    backend.linear(normed, l.wi_1, mlp.columns(ff_, ff_));
    backend.gated(mlp.columns(0, ff_), mlp.columns(ff_, ff_), activation_, activated);
  } else {
    backend.linear(normed, l.wi, activated, activation_);
  }
  backend.linear(activated, l.wo, out);
  backend.add(x, out);
}

engine::MatrixView T5::encode(engine::Backend& backend, DecoderWorkspace& ws, const ModelInput& in) const {
  const std::size_t tokens = in.batch * in.seq_len;
  if (in.batch == 0 || in.seq_len == 0 || in.input_ids.size() != tokens || in.attention_mask.size() != tokens) {
    throw Error(Errc::invalid_input, "model input: input_ids and attention_mask must hold batch x seq_len values");
  }
  for (auto id : in.input_ids) {
    if (id < 0 || static_cast<std::size_t>(id) >= vocab_) {
      throw Error(Errc::invalid_input, "model input: token id " + std::to_string(id) + " is outside the vocabulary");
    }
  }
  auto x = ws.view(ws.hidden, tokens, hidden_);
  const engine::Weight* tables[] = {&shared_};
  std::span<const std::int32_t> ids[] = {in.input_ids};
  backend.embed(tables, ids, x);
  std::vector<std::size_t> queries(in.seq_len);
  for (std::size_t i = 0; i < in.seq_len; ++i) queries[i] = i;
  std::vector<float> bias;
  position_bias(encoder_bias_, true, queries, in.seq_len, bias);
  auto normed = ws.view(ws.normed, tokens, hidden_);
  auto qkv = ws.view(ws.qkv, tokens, 3 * inner_);
  auto ctx = ws.view(ws.attention, tokens, inner_);
  auto out = ws.view(ws.scratch, tokens, hidden_);
  for (const Layer& l : encoder_) {
    backend.norm(x, rms(l.self_norm), normed);
    backend.linear(normed, l.self.q, qkv.columns(0, inner_));
    backend.linear(normed, l.self.k, qkv.columns(inner_, inner_));
    backend.linear(normed, l.self.v, qkv.columns(2 * inner_, inner_));
    backend.attention({.q = qkv.columns(0, inner_),
                       .k = qkv.columns(inner_, inner_),
                       .v = qkv.columns(2 * inner_, inner_),
                       .out = ctx,
                       .batch = in.batch,
                       .seq = in.seq_len,
                       .heads = heads_,
                       .head_dim = head_dim_,
                       .key_mask = in.attention_mask,
                       .scale = 1.0f,
                       .position_bias = bias});
    backend.linear(ctx, l.self.o, out);
    backend.add(x, out);
    ffn(backend, ws, l, x, tokens);
  }
  backend.norm(x, rms(encoder_final_), x);
  return x;
}

T5State T5::start(engine::Backend& backend, DecoderWorkspace& ws, engine::ConstMatrixView encoded,
                  std::span<const std::int32_t> encoder_mask, std::size_t batch, std::size_t capacity) const {
  T5State s;
  s.batch = batch;
  s.capacity = capacity;
  s.encoder_length = encoded.rows / batch;
  s.self_k.assign(decoder_.size(), std::vector<float>(batch * capacity * inner_));
  s.self_v.assign(decoder_.size(), std::vector<float>(batch * capacity * inner_));
  s.self_valid.assign(batch * capacity, 0);
  s.encoder_valid.assign(encoder_mask.begin(), encoder_mask.end());
  for (const Layer& l : decoder_) {
    s.cross_k.emplace_back(encoded.rows * inner_);
    s.cross_v.emplace_back(encoded.rows * inner_);
    backend.linear(encoded, l.cross.k, engine::dense(s.cross_k.back().data(), encoded.rows, inner_));
    backend.linear(encoded, l.cross.v, engine::dense(s.cross_v.back().data(), encoded.rows, inner_));
  }
  (void)ws;
  return s;
}

engine::MatrixView T5::decode(engine::Backend& backend, DecoderWorkspace& ws, T5State& s,
                              std::span<const std::int32_t> ids) const {
  if (s.length >= s.capacity) throw Error(Errc::internal, "T5 decoder cache capacity exceeded");
  const std::size_t rows = s.batch, past = s.length;
  for (auto id : ids) {
    if (id < 0 || static_cast<std::size_t>(id) >= vocab_) {
      throw Error(Errc::invalid_input, "decoder input: token id " + std::to_string(id) + " is outside the vocabulary");
    }
  }
  auto x = ws.view(ws.hidden, rows, hidden_);
  const engine::Weight* tables[] = {&shared_};
  std::span<const std::int32_t> table_ids[] = {ids};
  backend.embed(tables, table_ids, x);
  for (std::size_t b = 0; b < rows; ++b) s.self_valid[b * s.capacity + past] = 1;
  const std::size_t query[] = {past};
  std::vector<float> bias;
  position_bias(decoder_bias_, false, query, past + 1, bias);
  auto normed = ws.view(ws.normed, rows, hidden_);
  auto qkv = ws.view(ws.qkv, rows, 3 * inner_);
  auto ctx = ws.view(ws.attention, rows, inner_);
  auto out = ws.view(ws.scratch, rows, hidden_);
  for (std::size_t li = 0; li < decoder_.size(); ++li) {
    const Layer& l = decoder_[li];
    backend.norm(x, rms(l.self_norm), normed);
    auto q = qkv.columns(0, inner_), k = qkv.columns(inner_, inner_), v = qkv.columns(2 * inner_, inner_);
    backend.linear(normed, l.self.q, q);
    backend.linear(normed, l.self.k, k);
    backend.linear(normed, l.self.v, v);
    auto k_cache = engine::dense(s.self_k[li].data(), rows * s.capacity, inner_);
    auto v_cache = engine::dense(s.self_v[li].data(), rows * s.capacity, inner_);
    for (std::size_t b = 0; b < rows; ++b) {
      std::copy_n(k.row(b), inner_, k_cache.row(b * s.capacity + past));
      std::copy_n(v.row(b), inner_, v_cache.row(b * s.capacity + past));
    }
    backend.causal_attention({.q = q,
                              .k_cache = k_cache,
                              .v_cache = v_cache,
                              .out = ctx,
                              .batch = rows,
                              .new_tokens = 1,
                              .past = past,
                              .capacity = s.capacity,
                              .q_heads = heads_,
                              .kv_heads = heads_,
                              .head_dim = head_dim_,
                              .key_valid = s.self_valid,
                              .scale = 1.0f,
                              .position_bias = bias,
                              .bias_keys = past + 1});
    backend.linear(ctx, l.self.o, out);
    backend.add(x, out);
    // Cross-attention over the encoder output (no position bias).
    backend.norm(x, rms(*l.cross_norm), normed);
    backend.linear(normed, l.cross.q, q);
    backend.causal_attention(
        {.q = q,
         .k_cache = engine::ConstMatrixView(s.cross_k[li].data(), rows * s.encoder_length, inner_, inner_),
         .v_cache = engine::ConstMatrixView(s.cross_v[li].data(), rows * s.encoder_length, inner_, inner_),
         .out = ctx,
         .batch = rows,
         .new_tokens = 1,
         .past = 0,
         .capacity = s.encoder_length,
         .q_heads = heads_,
         .kv_heads = heads_,
         .head_dim = head_dim_,
         .key_valid = s.encoder_valid,
         .scale = 1.0f,
         .causal = false,
         .key_count = s.encoder_length});
    backend.linear(ctx, l.cross.o, out);
    backend.add(x, out);
    ffn(backend, ws, l, x, rows);
  }
  s.length += 1;
  backend.norm(x, rms(decoder_final_), normed);
  if (tied_) backend.scale(normed, 1.0f / std::sqrt(static_cast<float>(hidden_)));
  return normed;
}

void T5::logits(engine::Backend& backend, engine::ConstMatrixView hidden, engine::MatrixView out) const {
  backend.linear(hidden, lm_head_, out);
}

}  // namespace hub::models
