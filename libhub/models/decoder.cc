#include "models/decoder.h"

#include <cmath>
#include <string>

#include "hub/error.h"

namespace hub::models {
namespace {

// Checkpoints save GPT-2 with or without the "transformer." prefix (and Llama-likes with or
// without "model."): the name as given when present, else without its first component.
std::string find_name(const WeightSource& w, const std::string& name) {
  if (w.has(name) || w.has(name + ".weight")) return name;
  auto dot = name.find('.');
  if (dot != std::string::npos) {
    std::string bare = name.substr(dot + 1);
    if (w.has(bare) || w.has(bare + ".weight")) return bare;
  }
  return name;  // reported as missing by the loader
}

}  // namespace

Decoder::Decoder(const ModelConfig& c, const DecoderLayout& layout, const WeightSource& w)
    : layout_(layout),
      hidden_(c.hidden_size),
      q_heads_(c.num_attention_heads),
      kv_heads_(c.num_key_value_heads),
      head_dim_(c.head_dim),
      intermediate_(c.intermediate_size),
      vocab_(c.vocab_size),
      max_positions_(c.max_position_embeddings),
      window_(c.sliding_window),
      eps_(static_cast<float>(c.layer_norm_eps)),
      activation_(engine::parse_activation(c.hidden_act, "config.json: hidden_act")) {
  const std::size_t h = hidden_, qd = q_heads_ * head_dim_, kvd = kv_heads_ * head_dim_, inter = intermediate_;
  auto linear = [&](const std::string& name, std::size_t out, std::size_t in) {
    std::string n = find_name(w, name);
    return layout.conv1d ? w.conv1d(n, out, in) : w.linear(n, out, in);
  };
  auto norm = [&](const std::string& name, std::size_t size) {
    std::string n = find_name(w, name);
    if (layout.rms_norm) {
      engine::Norm out;
      out.gamma = w.vector(n + ".weight", size);
      return out;
    }
    return w.norm(n, size);
  };
  word_ = w.operand(find_name(w, layout.word_embeddings), vocab_, h);
  if (!layout.position_embeddings.empty()) {
    position_ = w.matrix(find_name(w, layout.position_embeddings), max_positions_, h);
  } else {
    rope_.emplace(c.rope, head_dim_, max_positions_);
  }
  for (std::size_t i = 0; i < c.num_hidden_layers; ++i) {
    const std::string base = with_index(layout.layer, i);
    Layer l;
    l.input_norm = norm(base + layout.input_norm, h);
    l.post_attention_norm = norm(base + layout.post_attention_norm, h);
    if (!layout.qkv.empty()) {
      l.qkv = linear(base + layout.qkv, qd + 2 * kvd, h);
    } else {
      l.query = linear(base + layout.query, qd, h);
      l.key = linear(base + layout.key, kvd, h);
      l.value = linear(base + layout.value, kvd, h);
    }
    l.output = linear(base + layout.output, h, qd);
    if (!layout.q_norm.empty()) {
      l.q_norm = norm(base + layout.q_norm, head_dim_);
      l.k_norm = norm(base + layout.k_norm, head_dim_);
    }
    if (layout.gated_mlp) {
      if (!layout.gate_up.empty()) {
        l.gate_up = linear(base + layout.gate_up, 2 * inter, h);
      } else {
        l.gate = linear(base + layout.gate, inter, h);
        l.up = linear(base + layout.up, inter, h);
      }
      l.down = linear(base + layout.down, h, inter);
    } else {
      l.fc = linear(base + layout.fc, inter, h);
      l.proj = linear(base + layout.proj, h, inter);
    }
    layers_.push_back(std::move(l));
  }
  final_norm_ = norm(layout.final_norm, h);
  const bool tie = c.tie_word_embeddings.value_or(false) || !w.has(layout.lm_head);
  if (tie) {
    lm_head_.weight = engine::Weight::borrow(word_);
  } else {
    lm_head_.weight = w.operand(layout.lm_head, vocab_, h);
  }
}

engine::NormSpec Decoder::norm_spec(const engine::Norm& norm) const {
  engine::NormSpec spec;
  spec.kind = layout_.rms_norm ? engine::NormSpec::Kind::rms : engine::NormSpec::Kind::layer;
  spec.gamma = &norm.gamma;
  spec.beta = norm.beta.empty() ? nullptr : &norm.beta;
  spec.eps = eps_;
  spec.unit_offset = layout_.norm_unit_offset;
  return spec;
}

KvCache Decoder::make_cache(std::size_t batch, std::size_t capacity) const {
  KvCache cache;
  cache.batch = batch;
  cache.capacity = capacity;
  const std::size_t kvd = kv_heads_ * head_dim_;
  cache.k.assign(layers_.size(), std::vector<float>(batch * capacity * kvd));
  cache.v.assign(layers_.size(), std::vector<float>(batch * capacity * kvd));
  cache.valid.assign(batch * capacity, 0);
  cache.next_position.assign(batch, 0);
  return cache;
}

void Decoder::validate(std::span<const std::int32_t> ids, std::span<const std::int32_t> mask, const KvCache& cache,
                       std::size_t n) const {
  if (ids.size() != cache.batch * n || mask.size() != ids.size()) {
    throw Error(Errc::invalid_input, "model input: input_ids and attention_mask must hold batch x seq_len values");
  }
  if (cache.length + n > cache.capacity) throw Error(Errc::internal, "KV cache capacity exceeded");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || static_cast<std::size_t>(ids[i]) >= vocab_) {
      throw Error(Errc::invalid_input, "model input: token id " + std::to_string(ids[i]) +
                                           " is outside the vocabulary (" + std::to_string(vocab_) + " ids)");
    }
    if (mask[i] != 0 && mask[i] != 1)
      throw Error(Errc::invalid_input, "model input: attention_mask values must be 0 or 1");
  }
}

engine::MatrixView Decoder::step(engine::Backend& backend, DecoderWorkspace& ws, KvCache& cache,
                                 std::span<const std::int32_t> ids, std::span<const std::int32_t> mask,
                                 std::size_t n) const {
  validate(ids, mask, cache, n);
  const std::size_t batch = cache.batch, tokens = batch * n, h = hidden_;
  const std::size_t qd = q_heads_ * head_dim_, kvd = kv_heads_ * head_dim_;
  const std::size_t past = cache.length;
  // Position ids as transformers' generate() makes them: the count of real tokens before this
  // one in its row (padding gets 1, never attended).
  ws.positions.resize(tokens);
  std::size_t longest = 0;
  for (std::size_t b = 0; b < batch; ++b) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t t = b * n + i;
      const bool real = mask[t] != 0;
      ws.positions[t] = real ? cache.next_position[b]++ : 1;
      cache.valid[b * cache.capacity + past + i] = real ? 1 : 0;
      if (real && static_cast<std::size_t>(ws.positions[t]) >= max_positions_ && !rope_) {
        throw Error(Errc::invalid_input,
                    "model input: more than the model's " + std::to_string(max_positions_) + " positions");
      }
    }
    longest = std::max<std::size_t>(longest, static_cast<std::size_t>(cache.next_position[b]));
  }
  auto x = ws.view(ws.hidden, tokens, h);
  {
    std::vector<const engine::Weight*> tables = {&word_};
    std::vector<std::span<const std::int32_t>> table_ids = {ids};
    if (!position_.empty()) {
      tables.push_back(&position_);
      table_ids.push_back(ws.positions);
    }
    backend.embed(tables, table_ids, x);
    if (layout_.scale_embeddings) backend.scale(x, std::sqrt(static_cast<float>(h)));
  }
  if (rope_) rope_->tables(ws.positions, longest, ws.cos, ws.sin);
  auto normed = ws.view(ws.normed, tokens, h);
  auto qkv = ws.view(ws.qkv, tokens, qd + 2 * kvd);
  auto attention = ws.view(ws.attention, tokens, qd);
  auto scratch = ws.view(ws.scratch, tokens, h);
  auto mlp = ws.view(ws.mlp, tokens, 2 * intermediate_);
  auto activated = ws.view(ws.activated, tokens, intermediate_);
  auto q = qkv.columns(0, qd), k = qkv.columns(qd, kvd), v = qkv.columns(qd + kvd, kvd);
  for (std::size_t li = 0; li < layers_.size(); ++li) {
    const Layer& l = layers_[li];
    backend.norm(x, norm_spec(l.input_norm), normed);
    if (l.qkv) {
      backend.linear(normed, *l.qkv, qkv);
    } else {
      backend.linear(normed, l.query, q);
      backend.linear(normed, l.key, k);
      backend.linear(normed, l.value, v);
    }
    if (l.q_norm) {
      for (std::size_t hd = 0; hd < q_heads_; ++hd) {
        backend.norm(q.columns(hd * head_dim_, head_dim_), norm_spec(*l.q_norm), q.columns(hd * head_dim_, head_dim_));
      }
      for (std::size_t hd = 0; hd < kv_heads_; ++hd) {
        backend.norm(k.columns(hd * head_dim_, head_dim_), norm_spec(*l.k_norm), k.columns(hd * head_dim_, head_dim_));
      }
    }
    if (rope_) {
      backend.rope({q, q_heads_, head_dim_, rope_->rotary_dim(), ws.cos, ws.sin});
      backend.rope({k, kv_heads_, head_dim_, rope_->rotary_dim(), ws.cos, ws.sin});
    }
    // Append this step's keys and values to the cache.
    auto k_cache = engine::dense(cache.k[li].data(), batch * cache.capacity, kvd);
    auto v_cache = engine::dense(cache.v[li].data(), batch * cache.capacity, kvd);
    for (std::size_t b = 0; b < batch; ++b) {
      for (std::size_t i = 0; i < n; ++i) {
        std::copy_n(k.row(b * n + i), kvd, k_cache.row(b * cache.capacity + past + i));
        std::copy_n(v.row(b * n + i), kvd, v_cache.row(b * cache.capacity + past + i));
      }
    }
    backend.causal_attention({.q = q,
                              .k_cache = k_cache,
                              .v_cache = v_cache,
                              .out = attention,
                              .batch = batch,
                              .new_tokens = n,
                              .past = past,
                              .capacity = cache.capacity,
                              .q_heads = q_heads_,
                              .kv_heads = kv_heads_,
                              .head_dim = head_dim_,
                              .key_valid = cache.valid,
                              .sliding_window = window_,
                              .scale = 1.0f / std::sqrt(static_cast<float>(head_dim_))});
    backend.linear(attention, l.output, scratch);
    backend.add(x, scratch);
    backend.norm(x, norm_spec(l.post_attention_norm), normed);
    if (layout_.gated_mlp) {
      auto gate = mlp.columns(0, intermediate_), up = mlp.columns(intermediate_, intermediate_);
      if (l.gate_up) {
        backend.linear(normed, *l.gate_up, mlp);
      } else {
        backend.linear(normed, l.gate, gate);
        backend.linear(normed, l.up, up);
      }
      backend.gated(gate, up, activation_, activated);
      backend.linear(activated, l.down, scratch);
    } else {
      backend.linear(normed, l.fc, activated, activation_);
      backend.linear(activated, l.proj, scratch);
    }
    backend.add(x, scratch);
  }
  cache.length += n;
  backend.norm(x, norm_spec(final_norm_), normed);
  return normed;
}

void Decoder::logits(engine::Backend& backend, engine::ConstMatrixView hidden, engine::MatrixView out) const {
  backend.linear(hidden, lm_head_, out);
}

}  // namespace hub::models
