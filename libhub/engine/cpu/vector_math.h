// Branch-free scalar math the compiler vectorizes inside the kernels' loops (libm's expf/erff
// calls would keep those loops scalar). Accuracy: exp within 2 ulp, erf within 1.5e-7 absolute
// (Abramowitz & Stegun 7.1.26), far inside the engine's 1e-4 logits tolerance.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace hub::engine::cpu {

#define HUB_ALWAYS_INLINE inline __attribute__((always_inline))

// min/max as compares: std::fmin/std::fmax keep IEEE signed-zero and NaN rules that x86's
// min/max instructions lack, so without -ffast-math GCC calls libm for them, one call per
// element, and the loop around them stays scalar. A NaN `x` passes through these unchanged.
HUB_ALWAYS_INLINE float max_of(float x, float lo) { return x < lo ? lo : x; }
HUB_ALWAYS_INLINE float min_of(float x, float hi) { return x > hi ? hi : x; }

HUB_ALWAYS_INLINE float fast_exp(float x) {
  // exp(x) = 2^n * exp(r), n = round(x / ln 2), |r| <= ln2 / 2; Cody-Waite split of ln 2.
  x = min_of(max_of(x, -87.3f), 88.7f);
  float n = std::nearbyint(x * 1.44269504088896341f);
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

HUB_ALWAYS_INLINE float fast_erf(float x) {
  float a = std::fabs(x);
  float t = 1.0f / (1.0f + 0.3275911f * a);
  float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
  float y = 1.0f - poly * fast_exp(-a * a);
  return std::copysign(y, x);
}

HUB_ALWAYS_INLINE float fast_tanh(float x) {
  // tanh(x) = 1 - 2 / (exp(2x) + 1); saturates cleanly thanks to fast_exp's clamp.
  return 1.0f - 2.0f / (fast_exp(2.0f * x) + 1.0f);
}

}  // namespace hub::engine::cpu
