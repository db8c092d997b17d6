// The op interface every compute backend implements (CPU now; CUDA next, behind the same calls).
//
// Models are written against these ops only: a new backend makes every architecture run on it.
// Buffers are MatrixViews into memory the backend owns or can address (host memory for the CPU
// backend); weights are Weights loaded for that backend.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "engine/matrix.h"
#include "engine/weight.h"

namespace hub::engine {

// Element-wise activations as transformers names them (ACT2FN): gelu is the exact erf form,
// gelu_new / gelu_pytorch_tanh / gelu_fast the tanh approximation.
enum class Activation { none, gelu, gelu_tanh, relu, silu, tanh, quick_gelu };

// Parses a transformers activation name; Errc::unsupported names the field for unknown ones.
Activation parse_activation(std::string_view name, std::string_view field);

// Multi-head scaled dot-product attention over a padded batch.
//   q, k, v: [batch * seq, heads * head_dim] (column slices of one buffer are fine)
//   out:     [batch * seq, heads * head_dim]
//   key_mask: [batch * seq], 1 = attend, 0 = padding (never attended)
struct AttentionArgs {
  ConstMatrixView q, k, v;
  MatrixView out;
  std::size_t batch = 0;
  std::size_t seq = 0;
  std::size_t heads = 0;
  std::size_t head_dim = 0;
  std::span<const std::int32_t> key_mask;
  float scale = 1.0f;  // usually 1/sqrt(head_dim)
  // Optional additive bias [heads, seq, seq] shared by every sequence (T5's relative positions).
  std::span<const float> position_bias;
};

// Normalization of a row: LayerNorm (gamma, beta) or RMSNorm (gamma only; Gemma scales by
// 1 + gamma: unit_offset).
struct NormSpec {
  enum class Kind { layer, rms } kind = Kind::layer;
  const Weight* gamma = nullptr;
  const Weight* beta = nullptr;  // LayerNorm only; may be null
  float eps = 1e-5f;
  bool unit_offset = false;
};

// Rotary position embedding applied in place to `heads` heads of `head_dim` columns each (the
// first `rotary_dim` of every head rotate, rotate-half layout as transformers' Llama).
// cos/sin: [rows, rotary_dim / 2] per row.
struct RopeArgs {
  MatrixView x;
  std::size_t heads = 0;
  std::size_t head_dim = 0;
  std::size_t rotary_dim = 0;
  std::span<const float> cos, sin;
};

// Causal attention of new tokens against a KV cache, with grouped-query heads.
//   q: [batch * new_tokens, q_heads * head_dim]
//   k_cache, v_cache: [batch * capacity, kv_heads * head_dim]; slots [0, past + new_tokens) filled
//   key_valid: [batch * capacity], 0 for padding slots (never attended)
//   Query i of a row sits at slot past + i and sees slots j <= past + i (and, with a sliding
//   window w > 0, only those with past + i - j < w).
struct CausalAttentionArgs {
  ConstMatrixView q;
  ConstMatrixView k_cache, v_cache;
  MatrixView out;
  std::size_t batch = 0;
  std::size_t new_tokens = 0;
  std::size_t past = 0;
  std::size_t capacity = 0;
  std::size_t q_heads = 0;
  std::size_t kv_heads = 0;
  std::size_t head_dim = 0;
  std::span<const std::int32_t> key_valid;
  std::size_t sliding_window = 0;
  float scale = 1.0f;
  // Non-causal (cross-attention): every valid slot in [0, key_count) is visible to every query.
  bool causal = true;
  std::size_t key_count = 0;
  // Optional additive bias [heads, new_tokens, bias_keys] (T5's relative positions), shared by
  // every row of the batch; key slot j reads column j.
  std::span<const float> position_bias;
  std::size_t bias_keys = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const noexcept = 0;

  // Called once per layer at load: the backend may keep the weight in the layout its GEMMs read
  // fastest (layer.prepared) and let the original go out of memory. Layers never prepared run
  // as they are; a prepared layer must be run by backends of the same kind.
  virtual void prepare(Linear& layer) { (void)layer; }

  // y = act(x · Wᵀ + b + scale·(x·Aᵀ)·Bᵀ): x [M, K], W [N, K], b [N] (or empty), the low-rank
  // delta (A [R, K], B [N, R]) only when layer.delta holds one; y [M, N].
  virtual void linear(ConstMatrixView x, const Linear& layer, MatrixView y, Activation act = Activation::none) = 0;
  // x = LayerNorm(x + residual) row by row (residual may be empty: plain layer norm).
  virtual void add_layer_norm(MatrixView x, ConstMatrixView residual, const Norm& norm, float eps) = 0;
  // x = act(x), element-wise.
  virtual void activate(MatrixView x, Activation act) = 0;
  virtual void attention(const AttentionArgs& args) = 0;
  // out = norm(x) row by row (out may alias x).
  virtual void norm(ConstMatrixView x, const NormSpec& spec, MatrixView out) = 0;
  // x += y.
  virtual void add(MatrixView x, ConstMatrixView y) = 0;
  // x *= factor.
  virtual void scale(MatrixView x, float factor) = 0;
  // out = act(gate) * up, element-wise ([rows, n] each).
  virtual void gated(ConstMatrixView gate, ConstMatrixView up, Activation act, MatrixView out) = 0;
  virtual void rope(const RopeArgs& args) = 0;
  virtual void causal_attention(const CausalAttentionArgs& args) = 0;
  // out[r] = sum of table rows ids_i[r] over the given tables (embedding lookups summed).
  // Ids were validated by the caller.
  virtual void embed(std::span<const Weight* const> tables, std::span<const std::span<const std::int32_t>> ids,
                     MatrixView out) = 0;
};

// The CPU backend: OpenBLAS GEMM, fused kernels with runtime SIMD dispatch, OpenMP threads.
// threads == 0: all cores.
std::unique_ptr<Backend> make_cpu_backend(int threads);

}  // namespace hub::engine
