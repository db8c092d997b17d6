// Rotary position embeddings: the inverse frequencies of every rope variant transformers
// implements (default, linear, dynamic NTK, llama3, yarn, longrope) and the cos/sin rows for a
// set of positions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "hub/model.h"

namespace hub::engine {

class Rope {
 public:
  // head_dim: per head; the rotated part is head_dim * partial_rotary_factor (even).
  // Throws Errc::unsupported for an unknown rope_type, Errc::invalid_input for bad parameters.
  Rope(const RopeParameters& params, std::size_t head_dim, std::size_t max_position_embeddings);

  std::size_t rotary_dim() const noexcept { return rotary_dim_; }
  // cos/sin [positions.size(), rotary_dim / 2], scaled by the variant's attention factor.
  // `longest` is the longest sequence the call belongs to (dynamic and longrope switch on it).
  void tables(std::span<const std::int32_t> positions, std::size_t longest, std::vector<float>& cos,
              std::vector<float>& sin) const;

 private:
  std::vector<float> inv_freq_for(std::size_t longest) const;

  RopeParameters params_;
  std::size_t rotary_dim_;
  std::size_t max_positions_;
  std::vector<float> inv_freq_;  // for variants that do not depend on the sequence length
  float attention_factor_ = 1.0f;
};

}  // namespace hub::engine
