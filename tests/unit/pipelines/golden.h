// The reference fixtures' goldens for the pipeline tests: golden.json (cases, pipeline call and
// outputs) and golden.safetensors (the model outputs per case) of tests/fixtures/repos/libhub/*.
#pragma once

#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/fs.h"
#include "hub/error.h"
#include "hub/safetensors.h"
#include "hub/tokenizer.h"
#include "pipelines/postprocess.h"
#include "pipelines/token_words.h"
#include "results.h"

namespace hub::pipelines::test {

inline std::filesystem::path fixture_dir(const std::string& name) {
  return std::filesystem::path(HUB_SOURCE_DIR) / "tests/fixtures/repos/libhub" / name;
}

inline std::string read_text(const std::filesystem::path& p) {
  auto text = fs::read_file(p);
  if (!text) throw Error(Errc::io, "cannot read " + p.string());
  return *text;
}

struct Golden {
  nlohmann::json json;
  safetensors::File tensors;
  std::filesystem::path dir;

  static Golden load(const std::string& name) {
    auto dir = fixture_dir(name);
    return {nlohmann::json::parse(read_text(dir / "golden.json")), safetensors::File::open(dir / "golden.safetensors"),
            dir};
  }

  // A float32 tensor's values (little-endian host assumed, as everywhere in libhub) and shape.
  std::vector<float> floats(const std::string& tensor, std::vector<std::size_t>* shape = nullptr) const {
    auto v = tensors.get(tensor);
    if (v.dtype != safetensors::Dtype::f32) throw Error(Errc::invalid_input, tensor + " is not F32");
    std::vector<float> out(v.element_count());
    if (!out.empty()) std::memcpy(out.data(), v.data.data(), out.size() * sizeof(float));
    if (shape) shape->assign(v.shape.begin(), v.shape.end());
    return out;
  }
  std::vector<float> logits(std::size_t i) const { return floats(json["cases"][i]["tensors"]["logits"]); }
  std::string text(std::size_t i) const { return json["cases"][i]["text"]; }
  std::size_t cases() const { return json["cases"].size(); }
  const nlohmann::json& outputs() const { return json["pipeline"]["outputs"]; }

  Tokenizer tokenizer() const { return Tokenizer::from_file(dir / "tokenizer.json"); }
  TokenWords words(const Tokenizer& tok) const { return token_words_from_json(read_text(dir / "tokenizer.json"), tok); }
  // id2label from config.json, by id.
  std::vector<std::string> labels() const {
    auto config = nlohmann::json::parse(read_text(dir / "config.json"));
    std::vector<std::string> out(config["id2label"].size());
    for (auto& [k, v] : config["id2label"].items()) out.at(std::stoul(k)) = v.get<std::string>();
    return out;
  }
};

// Relative closeness for scores (1e-5 relative, as the reference stack's float32 allows).
inline bool close(double a, double b, double rel = 1e-5) {
  return std::abs(a - b) <= rel * std::max(std::abs(b), 1e-30);
}

}  // namespace hub::pipelines::test
