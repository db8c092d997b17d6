// LoRA adapters merged at load: scaling rules (alpha / r, rsLoRA's alpha / sqrt(r), per-module
// alpha_pattern) checked through their effect on the logits, and refused adapter kinds.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hub/error.h"
#include "hub/model.h"
#include "model_fixture.h"

using Catch::Contains;
using namespace hub::models::test;

namespace {

const std::vector<std::int32_t> kPrompt = {1, 683, 357, 594, 427, 331, 447, 449, 343, 334, 435, 335, 344};

// A copy of the llama_lm_lora adapter with adapter_config.json fields replaced.
void write_adapter(const TempDir& dir, const nlohmann::json& changes) {
  auto src = fixture("llama_lm_lora");
  auto config = nlohmann::json::parse(hub::safetensors::test::slurp(src / "adapter_config.json"));
  config.update(changes);
  dir.put("adapter_config.json", config.dump());
  dir.put("adapter_model.safetensors", hub::safetensors::test::slurp(src / "adapter_model.safetensors"));
}

std::vector<float> logits_with(const std::optional<std::string>& adapter) {
  auto options = local_options();
  options.adapter = adapter;
  return hub::AutoModel::from_pretrained(fixture("llama_lm").string(), options)
      .forward(input_of(kPrompt))
      .logits.values;
}

}  // namespace

TEST_CASE("LoRA scaling: alpha / r, rsLoRA, alpha_pattern", "[models][lora]") {
  const auto base = logits_with(std::nullopt);
  const auto adapted = logits_with(fixture("llama_lm_lora").string());
  CHECK(max_diff(base, adapted) > 1e-3);  // the adapter changes the model
  {
    TempDir dir;  // alpha 0: no change at all
    write_adapter(dir, {{"lora_alpha", 0}});
    CHECK(max_diff(logits_with(dir.path().string()), base) == 0);
  }
  {
    TempDir dir;  // per-module alpha 0 for both targets: no change either
    write_adapter(dir, {{"alpha_pattern", {{"q_proj", 0}, {"v_proj", 0}}}});
    CHECK(max_diff(logits_with(dir.path().string()), base) == 0);
  }
  {
    // rsLoRA with r = 4 scales by alpha / 2, which plain LoRA reaches with alpha 16.
    TempDir rs, plain;
    write_adapter(rs, {{"use_rslora", true}});
    write_adapter(plain, {{"lora_alpha", 16}});
    CHECK(max_diff(logits_with(rs.path().string()), logits_with(plain.path().string())) < 1e-5);
    CHECK(max_diff(logits_with(rs.path().string()), adapted) > 1e-4);
  }
}

TEST_CASE("Adapters that merging cannot express are refused by field", "[models][lora]") {
  for (const auto& [field, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"use_dora", true}, {"bias", "all"}, {"modules_to_save", {"lm_head"}}, {"peft_type", "IA3"}}) {
    TempDir dir;
    write_adapter(dir, {{field, value}});
    try {
      logits_with(dir.path().string());
      FAIL("accepted an adapter with " << field);
    } catch (const hub::Error& e) {
      CHECK(e.code() == hub::Errc::unsupported);
      CHECK_THAT(e.what(), Contains(field));
    }
  }
}
