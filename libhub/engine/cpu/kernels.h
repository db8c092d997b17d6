// The CPU backend's element-wise and row kernels. Each is compiled for AVX-512, AVX2 and
// baseline x86-64 (GCC function multiversioning): the loader picks the best clone for the
// running CPU once, at load time (runtime dispatch without hand-written intrinsics).
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/backend.h"

namespace hub::engine::cpu {

// y[i] = act(y[i] + bias[i]) for one row of n values (bias may be null).
void bias_activate_row(float* y, const float* bias, std::size_t n, Activation act);
// x = LayerNorm(x + residual) for one row (residual may be null).
void add_layer_norm_row(float* x, const float* residual, std::size_t n, const float* gamma, const float* beta,
                        float eps);
// In-place softmax over n values.
void softmax_row(float* row, std::size_t n);
// out[0..n) += a[0..n).
void add_row(float* out, const float* a, std::size_t n);

// out = RMSNorm(x) (out may alias x): x / sqrt(mean(x²) + eps) * (gamma or 1 + gamma).
void rms_norm_row(const float* x, float* out, std::size_t n, const float* gamma, float eps, bool unit_offset);
// out[i] = act(gate[i]) * up[i].
void gated_row(const float* gate, const float* up, float* out, std::size_t n, Activation act);
// Rotate-half rotary embedding of one head: x[i], x[i + half] for i < half = rotary_dim / 2.
void rope_row(float* x, const float* cos, const float* sin, std::size_t half);
// Dot product of n floats.
float dot(const float* a, const float* b, std::size_t n);
// out[0..n) += w * a[0..n).
void axpy(float* out, const float* a, float w, std::size_t n);
// x[0..n) *= factor.
void scale_row(float* x, float factor, std::size_t n);

// out[i] = BF16 in[i] widened to f32.
void bf16_to_f32_row(const std::uint16_t* in, float* out, std::size_t n);
// Dot product of f32 x and BF16 w.
float dot_bf16(const float* x, const std::uint16_t* w, std::size_t n);

// Which instruction set the dispatcher picked for these kernels ("avx512f", "avx2", "x86-64").
const char* kernel_isa() noexcept;

}  // namespace hub::engine::cpu
