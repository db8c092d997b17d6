#include "models/lora.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hub/error.h"

namespace hub::models {
namespace {

using Json = nlohmann::json;

// PEFT's pattern rule: `key` matches a module named exactly `key` or ending in ".key".
bool pattern_matches(const std::string& key, const std::string& module) {
  return module == key || (module.size() > key.size() && module.ends_with("." + key));
}

}  // namespace

std::string LoraAdapter::module_of(const std::string& weight_name) {
  return weight_name.ends_with(".weight") ? weight_name.substr(0, weight_name.size() - 7) : weight_name;
}

LoraAdapter LoraAdapter::open(const std::filesystem::path& folder) {
  const auto config_path = folder / "adapter_config.json";
  std::ifstream in(config_path, std::ios::binary);
  if (!in) throw Error(Errc::io, "cannot read " + config_path.string() + " (not a PEFT adapter folder?)");
  Json c;
  try {
    c = Json::parse(in);
  } catch (const Json::exception& e) {
    throw Error(Errc::invalid_input, config_path.string() + ": not valid JSON (" + e.what() + ")");
  }
  const std::string where = config_path.string() + ": ";
  if (c.value("peft_type", "LORA") != "LORA") {
    throw Error(Errc::unsupported, where + "peft_type '" + c.value("peft_type", "") + "' is not supported (LORA only)");
  }
  if (c.value("use_dora", false)) throw Error(Errc::unsupported, where + "use_dora: DoRA adapters are not supported");
  if (c.value("bias", "none") != "none" || c.value("lora_bias", false)) {
    throw Error(Errc::unsupported, where + "bias: adapters with trained biases are not supported");
  }
  if (auto it = c.find("modules_to_save"); it != c.end() && !it->is_null() && !it->empty()) {
    throw Error(Errc::unsupported, where + "modules_to_save: adapters that replace whole modules are not supported");
  }
  LoraAdapter a;
  try {
    a.alpha_ = c.value("lora_alpha", 8.0);
    a.rank_ = c.value("r", 8.0);
    a.rslora_ = c.value("use_rslora", false);
    // Named locals: iterating items() of a temporary would outlive the temporary.
    const Json rank_pattern = c.value("rank_pattern", Json::object());
    const Json alpha_pattern = c.value("alpha_pattern", Json::object());
    for (const auto& [k, v] : rank_pattern.items()) a.rank_pattern_[k] = v.get<double>();
    for (const auto& [k, v] : alpha_pattern.items()) a.alpha_pattern_[k] = v.get<double>();
  } catch (const Json::exception& e) {
    throw Error(Errc::invalid_input, where + "a LoRA field has the wrong type (" + e.what() + ")");
  }
  if (a.rank_ <= 0) throw Error(Errc::invalid_input, where + "r must be positive");
  auto weights = folder / "adapter_model.safetensors";
  if (!std::filesystem::exists(weights)) {
    if (std::filesystem::exists(folder / "adapter_model.bin")) {
      throw Error(Errc::unsupported, (folder / "adapter_model.bin").string() +
                                         ": pickle adapters are never loaded (they can run arbitrary code); use "
                                         "adapter_model.safetensors");
    }
    throw Error(Errc::entry_not_found, weights.string() + " is missing");
  }
  a.file_ = safetensors::File::open(weights);
  for (const auto& t : a.file_->tensors()) {
    std::string name(t.name);
    // "base_model.model.<module>.lora_A.weight" (PEFT may insert the adapter name: ".lora_A.default.weight").
    std::string module = name;
    if (module.starts_with("base_model.model.")) module = module.substr(17);
    std::string which;
    for (const char* part : {".lora_A.", ".lora_B."}) {
      auto pos = module.find(part);
      if (pos != std::string::npos) {
        which = std::string(part).substr(1, 6);
        module = module.substr(0, pos);
        break;
      }
    }
    if (which.empty()) {
      throw Error(Errc::unsupported, weights.string() + ": tensor '" + name + "' is not a LoRA A/B matrix");
    }
    (which == "lora_A" ? a.modules_[module].first : a.modules_[module].second) = name;
  }
  for (const auto& [module, ab] : a.modules_) {
    if (ab.first.empty() || ab.second.empty()) {
      throw Error(Errc::invalid_input, weights.string() + ": module '" + module + "' lacks its lora_A or lora_B");
    }
  }
  return a;
}

double LoraAdapter::scale_for(const std::string& module, std::size_t rank) const {
  double alpha = alpha_;
  for (const auto& [key, value] : alpha_pattern_) {
    if (pattern_matches(key, module)) alpha = value;
  }
  const double r = static_cast<double>(rank);
  return rslora_ ? alpha / std::sqrt(r) : alpha / r;
}

std::optional<LoraAdapter::Factors> LoraAdapter::factors(const std::string& name, std::size_t out,
                                                         std::size_t in) const {
  const std::string module = module_of(name);
  auto it = modules_.find(module);
  if (it == modules_.end()) return std::nullopt;
  auto a_view = file_->get(it->second.first);
  auto b_view = file_->get(it->second.second);
  if (a_view.shape.size() != 2 || b_view.shape.size() != 2 || a_view.shape[1] != in || b_view.shape[0] != out ||
      a_view.shape[0] != b_view.shape[1]) {
    throw Error(Errc::invalid_input, "adapter: lora_A/lora_B of '" + module + "' do not fit the base weight [" +
                                         std::to_string(out) + ", " + std::to_string(in) + "]");
  }
  Factors f;
  f.module = module;
  f.rank = a_view.shape[0];
  f.a.resize(a_view.element_count());
  f.b.resize(b_view.element_count());
  safetensors::to_f32(a_view, f.a);
  safetensors::to_f32(b_view, f.b);
  merged_.insert(module);
  return f;
}

bool LoraAdapter::merge(const std::string& name, std::vector<float>& values, std::size_t rows, std::size_t cols,
                        bool transposed) const {
  const std::size_t out = transposed ? cols : rows, in = transposed ? rows : cols;
  auto f = factors(name, out, in);
  if (!f) return false;
  const std::size_t rank = f->rank;
  const double scale = scale_for(f->module, rank);
  for (std::size_t o = 0; o < out; ++o) {
    for (std::size_t i = 0; i < in; ++i) {
      double delta = 0;
      for (std::size_t k = 0; k < rank; ++k) delta += double(f->b[o * rank + k]) * f->a[k * in + i];
      float& w = transposed ? values[i * out + o] : values[o * in + i];
      w = static_cast<float>(w + scale * delta);
    }
  }
  return true;
}

std::optional<engine::LowRankDelta> LoraAdapter::delta(const std::string& name, std::size_t out, std::size_t in) const {
  auto f = factors(name, out, in);
  if (!f) return std::nullopt;
  engine::LowRankDelta d;
  d.scale = static_cast<float>(scale_for(f->module, f->rank));
  d.a = engine::Weight::from_values(f->module + ".lora_A", f->rank, in, std::move(f->a));
  d.b = engine::Weight::from_values(f->module + ".lora_B", out, f->rank, std::move(f->b));
  return d;
}

std::vector<std::string> LoraAdapter::unused() const {
  std::vector<std::string> out;
  for (const auto& [module, ab] : modules_) {
    if (!merged_.contains(module)) out.push_back(module);
  }
  return out;
}

}  // namespace hub::models
