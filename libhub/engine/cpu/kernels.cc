#include "engine/cpu/kernels.h"

#include <cmath>
#include <cstring>

#include "engine/cpu/vector_math.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HUB_MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define HUB_MULTIVERSION
#endif

namespace hub::engine::cpu {
namespace {

template <Activation A>
HUB_ALWAYS_INLINE float apply(float v) {
  if constexpr (A == Activation::gelu) {
    return 0.5f * v * (1.0f + fast_erf(v * 0.70710678118654752f));
  } else if constexpr (A == Activation::gelu_tanh) {
    return 0.5f * v * (1.0f + fast_tanh(0.79788456080286536f * (v + 0.044715f * v * v * v)));
  } else if constexpr (A == Activation::relu) {
    return max_of(v, 0.0f);
  } else if constexpr (A == Activation::silu) {
    return v / (1.0f + fast_exp(-v));
  } else if constexpr (A == Activation::quick_gelu) {
    return v / (1.0f + fast_exp(-1.702f * v));
  } else if constexpr (A == Activation::tanh) {
    return fast_tanh(v);
  } else {
    return v;
  }
}

template <Activation A>
HUB_ALWAYS_INLINE void bias_activate(float* __restrict y, const float* __restrict bias, std::size_t n) {
  if (bias != nullptr) {
    for (std::size_t i = 0; i < n; ++i) y[i] = apply<A>(y[i] + bias[i]);
  } else {
    for (std::size_t i = 0; i < n; ++i) y[i] = apply<A>(y[i]);
  }
}

}  // namespace

HUB_MULTIVERSION void bias_activate_row(float* y, const float* bias, std::size_t n, Activation act) {
  switch (act) {
    case Activation::none: return bias_activate<Activation::none>(y, bias, n);
    case Activation::gelu: return bias_activate<Activation::gelu>(y, bias, n);
    case Activation::gelu_tanh: return bias_activate<Activation::gelu_tanh>(y, bias, n);
    case Activation::relu: return bias_activate<Activation::relu>(y, bias, n);
    case Activation::silu: return bias_activate<Activation::silu>(y, bias, n);
    case Activation::tanh: return bias_activate<Activation::tanh>(y, bias, n);
    case Activation::quick_gelu: return bias_activate<Activation::quick_gelu>(y, bias, n);
  }
}

HUB_MULTIVERSION void add_layer_norm_row(float* __restrict x, const float* __restrict residual, std::size_t n,
                                         const float* __restrict gamma, const float* __restrict beta, float eps) {
  if (residual != nullptr) {
    for (std::size_t i = 0; i < n; ++i) x[i] += residual[i];
  }
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (std::size_t i = 0; i < n; ++i) sum += x[i];
  const float mean = sum / static_cast<float>(n);
  float sq = 0.0f;
#pragma omp simd reduction(+ : sq)
  for (std::size_t i = 0; i < n; ++i) {
    float d = x[i] - mean;
    sq += d * d;
  }
  const float inv = 1.0f / std::sqrt(sq / static_cast<float>(n) + eps);
  for (std::size_t i = 0; i < n; ++i) x[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
}

HUB_MULTIVERSION void softmax_row(float* __restrict row, std::size_t n) {
  float max = -INFINITY;
#pragma omp simd reduction(max : max)
  for (std::size_t i = 0; i < n; ++i) max = max_of(row[i], max);
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (std::size_t i = 0; i < n; ++i) {
    row[i] = fast_exp(row[i] - max);
    sum += row[i];
  }
  const float inv = 1.0f / sum;
  for (std::size_t i = 0; i < n; ++i) row[i] *= inv;
}

HUB_MULTIVERSION void add_row(float* __restrict out, const float* __restrict a, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] += a[i];
}

HUB_MULTIVERSION void rms_norm_row(const float* x, float* out, std::size_t n, const float* __restrict gamma, float eps,
                                   bool unit_offset) {
  float sq = 0.0f;
#pragma omp simd reduction(+ : sq)
  for (std::size_t i = 0; i < n; ++i) sq += x[i] * x[i];
  const float inv = 1.0f / std::sqrt(sq / static_cast<float>(n) + eps);
  if (unit_offset) {
    for (std::size_t i = 0; i < n; ++i) out[i] = x[i] * inv * (1.0f + gamma[i]);
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = x[i] * inv * gamma[i];
  }
}

namespace {
template <Activation A>
HUB_ALWAYS_INLINE void gated(const float* __restrict gate, const float* __restrict up, float* __restrict out,
                             std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = apply<A>(gate[i]) * up[i];
}
}  // namespace

HUB_MULTIVERSION void gated_row(const float* gate, const float* up, float* out, std::size_t n, Activation act) {
  switch (act) {
    case Activation::none: return gated<Activation::none>(gate, up, out, n);
    case Activation::gelu: return gated<Activation::gelu>(gate, up, out, n);
    case Activation::gelu_tanh: return gated<Activation::gelu_tanh>(gate, up, out, n);
    case Activation::relu: return gated<Activation::relu>(gate, up, out, n);
    case Activation::silu: return gated<Activation::silu>(gate, up, out, n);
    case Activation::tanh: return gated<Activation::tanh>(gate, up, out, n);
    case Activation::quick_gelu: return gated<Activation::quick_gelu>(gate, up, out, n);
  }
}

HUB_MULTIVERSION void rope_row(float* __restrict x, const float* __restrict cos, const float* __restrict sin,
                               std::size_t half) {
  float* __restrict hi = x + half;
  for (std::size_t i = 0; i < half; ++i) {
    const float a = x[i], b = hi[i];
    x[i] = a * cos[i] - b * sin[i];
    hi[i] = b * cos[i] + a * sin[i];
  }
}

HUB_MULTIVERSION float dot(const float* __restrict a, const float* __restrict b, std::size_t n) {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (std::size_t i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

HUB_MULTIVERSION void axpy(float* __restrict out, const float* __restrict a, float w, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] += w * a[i];
}

HUB_MULTIVERSION void scale_row(float* __restrict x, float factor, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) x[i] *= factor;
}

namespace {
HUB_ALWAYS_INLINE float widen_bf16(std::uint16_t v) {
  std::uint32_t bits = static_cast<std::uint32_t>(v) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}
}  // namespace

HUB_MULTIVERSION void bf16_to_f32_row(const std::uint16_t* __restrict in, float* __restrict out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = widen_bf16(in[i]);
}

HUB_MULTIVERSION float dot_bf16(const float* __restrict x, const std::uint16_t* __restrict w, std::size_t n) {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (std::size_t i = 0; i < n; ++i) sum += x[i] * widen_bf16(w[i]);
  return sum;
}

const char* kernel_isa() noexcept {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "avx512f";
  if (__builtin_cpu_supports("avx2")) return "avx2";
  return "x86-64";
#else
  return "generic";
#endif
}

}  // namespace hub::engine::cpu
