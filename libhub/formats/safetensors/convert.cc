// Element conversions to f32. Tensor bytes are little-endian and may sit at any alignment (a
// writer other than ours may not align), so elements are read with memcpy.
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "hub/error.h"
#include "hub/safetensors.h"

namespace hub::safetensors {
namespace {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

template <typename T>
T load(const std::byte* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

}  // namespace

float f16_to_f32(std::uint16_t h) noexcept {
  std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000) << 16;
  std::uint32_t exp = (h >> 10) & 0x1f;
  std::uint32_t mant = h & 0x3ff;
  std::uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);  // inf / NaN (payload kept)
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;  // +-0
  } else {
    // Subnormal: normalise the mantissa.
    int e = -1;
    do {
      ++e;
      mant <<= 1;
    } while ((mant & 0x400) == 0);
    bits = sign | (static_cast<std::uint32_t>(112 - e) << 23) | ((mant & 0x3ff) << 13);
  }
  return std::bit_cast<float>(bits);
}

float bf16_to_f32(std::uint16_t b) noexcept { return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16); }

float f8_e5m2_to_f32(std::uint8_t v) noexcept { return f16_to_f32(static_cast<std::uint16_t>(v << 8)); }

float f8_e4m3_to_f32(std::uint8_t v) noexcept {
  float sign = (v & 0x80) ? -1.0f : 1.0f;
  int exp = (v >> 3) & 0xf;
  int mant = v & 0x7;
  if (exp == 0xf && mant == 0x7) return std::numeric_limits<float>::quiet_NaN();  // fn: the only NaN
  if (exp == 0) return sign * std::ldexp(static_cast<float>(mant), -9);           // subnormal: m/8 * 2^-6
  return sign * std::ldexp(1.0f + static_cast<float>(mant) / 8.0f, exp - 7);
}

void to_f32(const TensorView& t, std::span<float> out) {
  std::uint64_t n = t.element_count();
  if (out.size() != n)
    throw Error(Errc::invalid_input, "to_f32: tensor '" + std::string(t.name) + "' has " + std::to_string(n) +
                                         " elements, the output holds " + std::to_string(out.size()));
  const std::byte* p = t.data.data();
  switch (t.dtype) {
    case Dtype::f32:
      if (n) std::memcpy(out.data(), p, n * sizeof(float));
      return;
    case Dtype::f64:
      for (std::uint64_t i = 0; i < n; ++i) out[i] = static_cast<float>(load<double>(p + 8 * i));
      return;
    case Dtype::f16:
      for (std::uint64_t i = 0; i < n; ++i) out[i] = f16_to_f32(load<std::uint16_t>(p + 2 * i));
      return;
    case Dtype::bf16:
      for (std::uint64_t i = 0; i < n; ++i) out[i] = bf16_to_f32(load<std::uint16_t>(p + 2 * i));
      return;
    case Dtype::f8_e4m3:
      for (std::uint64_t i = 0; i < n; ++i) out[i] = f8_e4m3_to_f32(std::to_integer<std::uint8_t>(p[i]));
      return;
    case Dtype::f8_e5m2:
      for (std::uint64_t i = 0; i < n; ++i) out[i] = f8_e5m2_to_f32(std::to_integer<std::uint8_t>(p[i]));
      return;
    default:
      throw Error(Errc::unsupported, "to_f32: tensor '" + std::string(t.name) + "' has dtype " +
                                         std::string(to_string(t.dtype)) +
                                         ", which is not a floating-point type libhub converts");
  }
}

}  // namespace hub::safetensors
