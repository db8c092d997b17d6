// LoRA adapters in the PEFT layout (adapter_config.json + adapter_model.safetensors), merged into
// the base weights at load: W' = W + scale · B·A, scale = lora_alpha / r (or / sqrt(r) with
// use_rslora), with rank_pattern / alpha_pattern overrides per module.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

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
  bool touches(const std::string& name) const { return modules_.contains(module_of(name)); }
  // Modules the adapter holds that merge() was never asked for (a base model that does not match).
  std::vector<std::string> unused() const;

 private:
  static std::string module_of(const std::string& weight_name);
  double scale_for(const std::string& module, std::size_t rank) const;

  std::optional<safetensors::File> file_;
  std::map<std::string, std::pair<std::string, std::string>> modules_;  // module -> (A, B) tensor names
  double alpha_ = 8, rank_ = 8;
  bool rslora_ = false;
  std::map<std::string, double> rank_pattern_, alpha_pattern_;
  mutable std::set<std::string> merged_;
};

}  // namespace hub::models
