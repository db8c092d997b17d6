#include "engine/rope.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "hub/error.h"

namespace hub::engine {
namespace {

// 1 / base^(2i / dim) in float32, as transformers computes it.
std::vector<float> base_inv_freq(double base, std::size_t dim) {
  std::vector<float> out(dim / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    float exponent = static_cast<float>(2 * i) / static_cast<float>(dim);
    out[i] = 1.0f / std::pow(static_cast<float>(base), exponent);
  }
  return out;
}

double yarn_mscale(double scale, double mscale) { return scale <= 1 ? 1.0 : 0.1 * mscale * std::log(scale) + 1.0; }

// yarn: the dimension at which `rotations` full turns fit into the original context.
double correction_dim(double rotations, std::size_t dim, double base, double max_positions) {
  return (static_cast<double>(dim) * std::log(max_positions / (rotations * 2 * std::numbers::pi))) /
         (2 * std::log(base));
}

}  // namespace

Rope::Rope(const RopeParameters& p, std::size_t head_dim, std::size_t max_position_embeddings)
    : params_(p), max_positions_(max_position_embeddings) {
  rotary_dim_ = static_cast<std::size_t>(static_cast<double>(head_dim) * p.partial_rotary_factor);
  rotary_dim_ -= rotary_dim_ % 2;
  if (rotary_dim_ == 0 || rotary_dim_ > head_dim) {
    throw Error(Errc::invalid_input, "config.json: partial_rotary_factor gives no rotary dimensions");
  }
  const std::size_t dim = rotary_dim_;
  const std::string& type = p.type;
  const std::size_t original = p.original_max_position_embeddings ? p.original_max_position_embeddings : max_positions_;
  if (type == "default" || type == "dynamic") {
    inv_freq_ = base_inv_freq(p.theta, dim);
  } else if (type == "linear") {
    inv_freq_ = base_inv_freq(p.theta, dim);
    for (auto& f : inv_freq_) f = static_cast<float>(f / p.factor);
  } else if (type == "llama3") {
    inv_freq_ = base_inv_freq(p.theta, dim);
    const double old_context = static_cast<double>(original);
    const double low_wavelen = old_context / p.low_freq_factor;
    const double high_wavelen = old_context / p.high_freq_factor;
    for (auto& f : inv_freq_) {
      const double wavelen = 2 * std::numbers::pi / f;
      if (wavelen > low_wavelen) {
        f = static_cast<float>(f / p.factor);
      } else if (wavelen >= high_wavelen) {
        const double smooth = (old_context / wavelen - p.low_freq_factor) / (p.high_freq_factor - p.low_freq_factor);
        f = static_cast<float>((1 - smooth) * f / p.factor + smooth * f);
      }
    }
  } else if (type == "yarn") {
    // Without a factor, transformers 5 takes the context extension (DeepSeek-V3 configs).
    const double factor =
        p.factor_explicit ? p.factor : static_cast<double>(max_positions_) / static_cast<double>(original);
    attention_factor_ = static_cast<float>(p.attention_factor ? *p.attention_factor
                                           : (p.mscale && p.mscale_all_dim)
                                               ? yarn_mscale(factor, *p.mscale) / yarn_mscale(factor, *p.mscale_all_dim)
                                               : yarn_mscale(factor, 1.0));
    const double beta_fast = p.beta_fast, beta_slow = p.beta_slow;
    double low = correction_dim(beta_fast, dim, p.theta, static_cast<double>(original));
    double high = correction_dim(beta_slow, dim, p.theta, static_cast<double>(original));
    if (p.truncate) {
      low = std::floor(low);
      high = std::ceil(high);
    }
    low = std::max(low, 0.0);
    high = std::min(high, static_cast<double>(dim - 1));
    if (low == high) high += 0.001;
    inv_freq_.resize(dim / 2);
    for (std::size_t i = 0; i < dim / 2; ++i) {
      const float pos_freq = std::pow(static_cast<float>(p.theta), static_cast<float>(2 * i) / static_cast<float>(dim));
      const double extrapolation = 1.0 / pos_freq, interpolation = 1.0 / (factor * pos_freq);
      const double ramp = std::clamp((static_cast<double>(i) - low) / (high - low), 0.0, 1.0);
      const double extrapolation_factor = 1 - ramp;
      inv_freq_[i] =
          static_cast<float>(interpolation * (1 - extrapolation_factor) + extrapolation * extrapolation_factor);
    }
  } else if (type == "longrope") {
    if (p.short_factor.size() != dim / 2 || p.long_factor.size() != dim / 2) {
      throw Error(Errc::invalid_input,
                  "config.json: longrope short_factor/long_factor must hold " + std::to_string(dim / 2) + " values");
    }
    const double factor =
        p.factor_explicit ? p.factor : static_cast<double>(max_positions_) / static_cast<double>(original);
    attention_factor_ =
        static_cast<float>(p.attention_factor ? *p.attention_factor
                           : factor <= 1      ? 1.0
                                         : std::sqrt(1 + std::log(factor) / std::log(static_cast<double>(original))));
  } else {
    throw Error(Errc::unsupported, "config.json: rope_type '" + type +
                                       "' is not supported (default, linear, dynamic, llama3, yarn, longrope)");
  }
}

std::vector<float> Rope::inv_freq_for(std::size_t longest) const {
  const std::size_t dim = rotary_dim_;
  const std::size_t original =
      params_.original_max_position_embeddings ? params_.original_max_position_embeddings : max_positions_;
  if (params_.type == "dynamic" && longest > max_positions_) {
    // NTK-aware: the base grows with the sequence once it passes max_position_embeddings (what
    // transformers 5 compares with, whatever original_max_position_embeddings says).
    const double f = params_.factor;
    const double base =
        params_.theta * std::pow((f * static_cast<double>(longest) / static_cast<double>(max_positions_)) - (f - 1),
                                 static_cast<double>(dim) / static_cast<double>(dim - 2));
    return base_inv_freq(base, dim);
  }
  if (params_.type == "longrope") {
    const auto& ext = longest > original ? params_.long_factor : params_.short_factor;
    auto base = base_inv_freq(params_.theta, dim);
    for (std::size_t i = 0; i < base.size(); ++i) base[i] = static_cast<float>(base[i] / ext[i]);
    return base;
  }
  return inv_freq_;
}

void Rope::tables(std::span<const std::int32_t> positions, std::size_t longest, std::vector<float>& cos,
                  std::vector<float>& sin) const {
  const std::size_t half = rotary_dim_ / 2;
  const auto inv_freq = inv_freq_for(longest);
  cos.resize(positions.size() * half);
  sin.resize(positions.size() * half);
  for (std::size_t r = 0; r < positions.size(); ++r) {
    const float pos = static_cast<float>(positions[r]);
    for (std::size_t i = 0; i < half; ++i) {
      const float angle = pos * inv_freq[i];
      cos[r * half + i] = std::cos(angle) * attention_factor_;
      sin[r * half + i] = std::sin(angle) * attention_factor_;
    }
  }
}

}  // namespace hub::engine
