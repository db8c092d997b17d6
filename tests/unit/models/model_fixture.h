// Variants of a fixture model folder for the model tests: the same weights renamed, dropped,
// reshaped or stored in another dtype, written with the safetensors writer into a temp folder.
#pragma once

#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "../formats/safetensors_helpers.h"
#include "hub/model.h"
#include "hub/safetensors.h"

namespace hub::models::test {

using safetensors::test::TempDir;

inline std::filesystem::path fixture(const std::string& name) { return safetensors::test::fixture_repos() / name; }

// One tensor of the rewritten checkpoint; `edit` may rename it, change its dtype (f16/bf16 from
// the f32 values), change its shape, or drop it (return false).
struct TensorEdit {
  std::string name;
  safetensors::Dtype dtype = safetensors::Dtype::f32;
  std::vector<std::uint64_t> shape;
  std::vector<float> values;
};

inline std::uint16_t to_bf16(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  bits += 0x7fff + ((bits >> 16) & 1);  // round to nearest even
  return static_cast<std::uint16_t>(bits >> 16);
}

inline std::uint16_t to_f16(float f) {
  // Through _Float16, which GCC supports on x86-64 with correct rounding.
  _Float16 h = static_cast<_Float16>(f);
  std::uint16_t bits;
  std::memcpy(&bits, &h, 2);
  return bits;
}

// Copies `name`'s config.json (and tokenizer files) into `dir` and writes model.safetensors with
// every tensor passed through `edit`. `config_edit` may rewrite config.json's text.
inline void write_variant(const TempDir& dir, const std::string& name, const std::function<bool(TensorEdit&)>& edit,
                          const std::function<std::string(std::string)>& config_edit = {},
                          std::vector<TensorEdit> extra = {}) {
  auto src = fixture(name);
  for (const char* f : {"tokenizer.json", "tokenizer_config.json"}) {
    if (std::filesystem::exists(src / f)) dir.put(f, safetensors::test::slurp(src / f));
  }
  std::string config = safetensors::test::slurp(src / "config.json");
  dir.put("config.json", config_edit ? config_edit(config) : config);
  auto file = safetensors::File::open(src / "model.safetensors");
  std::vector<TensorEdit> edits;
  for (const auto& t : file.tensors()) {
    TensorEdit e{std::string(t.name), safetensors::Dtype::f32, {t.shape.begin(), t.shape.end()}, {}};
    e.values.resize(t.element_count());
    safetensors::to_f32(t, e.values);
    if (edit(e)) edits.push_back(std::move(e));
  }
  for (auto& e : extra) edits.push_back(std::move(e));
  std::vector<std::vector<std::uint16_t>> halves(edits.size());
  std::vector<safetensors::TensorData> data;
  for (std::size_t i = 0; i < edits.size(); ++i) {
    auto& e = edits[i];
    std::span<const std::byte> bytes;
    if (e.dtype == safetensors::Dtype::f32) {
      bytes = std::as_bytes(std::span<const float>(e.values));
    } else {
      for (float v : e.values) halves[i].push_back(e.dtype == safetensors::Dtype::bf16 ? to_bf16(v) : to_f16(v));
      bytes = std::as_bytes(std::span<const std::uint16_t>(halves[i]));
    }
    data.push_back({e.name, e.dtype, e.shape, bytes});
  }
  safetensors::write(dir.path() / "model.safetensors", data);
}

// A one-sequence input from ids.
inline ModelInput input_of(std::vector<std::int32_t> ids) {
  ModelInput in;
  in.batch = 1;
  in.seq_len = ids.size();
  in.attention_mask.assign(ids.size(), 1);
  in.input_ids = std::move(ids);
  return in;
}

inline double max_diff(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return INFINITY;
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::fabs(double(a[i]) - b[i]));
  return d;
}

inline ModelOptions local_options(int threads = 0) {
  ModelOptions o;
  o.threads = threads;
  o.pretrained.local_files_only = true;
  return o;
}

}  // namespace hub::models::test
