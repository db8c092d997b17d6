// LoRA adapters in the PEFT layout (adapter_config.json + adapter_model.safetensors), merged into
// the base weights at load (W' = W + scale · B·A) or kept apart and applied on the fly
// (y += scale · (x·Aᵀ)·Bᵀ); scale = lora_alpha / r (or / sqrt(r) with use_rslora), with
// rank_pattern / alpha_pattern overrides per module.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/weight.h"
#include "hub/safetensors.h"

namespace hub::models {

class LoraAdapter {
 public:
  // Reads and validates the adapter folder. Errc::unsupported for what merging cannot express
  // (DoRA, trained biases, modules_to_save, non-LoRA PEFT types), naming the field.
  static LoraAdapter open(const std::filesystem::path& folder);

  // Merges the delta for base weight `name` (e.g. "model.layers.0.self_attn.q_proj.weight") into
  // `values` ([rows, cols] row-major; [in, out] when `transposed`). Returns false when the
  // adapter does not touch it.
  bool merge(const std::string& name, std::vector<float>& values, std::size_t rows, std::size_t cols,
             bool transposed) const;
  // The delta for base weight `name` of a layer with `out` outputs and `in` inputs, as f32 copies
  // (the adapter file may close after loading); nullopt when the adapter does not touch it.
  std::optional<engine::LowRankDelta> delta(const std::string& name, std::size_t out, std::size_t in) const;
  bool touches(const std::string& name) const { return modules_.contains(module_of(name)); }
  // Modules the adapter holds that neither merge() nor delta() was asked for (a base model that
  // does not match).
  std::vector<std::string> unused() const;

 private:
  static std::string module_of(const std::string& weight_name);
  double scale_for(const std::string& module, std::size_t rank) const;
  struct Factors {
    std::string module;
    std::size_t rank = 0;
    std::vector<float> a, b;  // [rank, in], [out, rank]
  };
  // A and B of `name`'s module, checked against the base layer's shape; nullopt when untouched.
  std::optional<Factors> factors(const std::string& name, std::size_t out, std::size_t in) const;

  std::optional<safetensors::File> file_;
  std::map<std::string, std::pair<std::string, std::string>> modules_;  // module -> (A, B) tensor names
  double alpha_ = 8, rank_ = 8;
  bool rslora_ = false;
  std::map<std::string, double> rank_pattern_, alpha_pattern_;
  mutable std::set<std::string> merged_;
};

}  // namespace hub::models
