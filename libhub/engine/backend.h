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
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const noexcept = 0;

  // y = act(x · Wᵀ + b): x [M, K], W [N, K], b [N] (or empty), y [M, N].
  virtual void linear(ConstMatrixView x, const Linear& layer, MatrixView y, Activation act = Activation::none) = 0;
  // x = LayerNorm(x + residual) row by row (residual may be empty: plain layer norm).
  virtual void add_layer_norm(MatrixView x, ConstMatrixView residual, const Norm& norm, float eps) = 0;
  // x = act(x), element-wise.
  virtual void activate(MatrixView x, Activation act) = 0;
  virtual void attention(const AttentionArgs& args) = 0;
  // out[r] = sum of table rows ids_i[r] over the given tables (embedding lookups summed).
  // Ids were validated by the caller.
  virtual void embed(std::span<const Weight* const> tables, std::span<const std::span<const std::int32_t>> ids,
                     MatrixView out) = 0;
};

// The CPU backend: OpenBLAS GEMM, fused kernels with runtime SIMD dispatch, OpenMP threads.
// threads == 0: all cores.
std::unique_ptr<Backend> make_cpu_backend(int threads);

}  // namespace hub::engine
