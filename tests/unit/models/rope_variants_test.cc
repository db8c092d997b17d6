// Every rope variant against PyTorch: the llama_medium fixture's weights under rewritten
// rope_parameters (tests/fixtures/rope, written by tests/reference/rope_goldens.py from an eager
// f32 PyTorch forward with transformers 5's rope definitions). Logits of the prompt within the
// llama_medium tolerance, greedy tokens identical; dynamic NTK and longrope change their
// frequencies during generation, as transformers' dynamic_rope_update does.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hub/model.h"
#include "hub/safetensors.h"
#include "model_fixture.h"

using namespace hub::models::test;

namespace {

const std::filesystem::path kGoldens = std::filesystem::path(HUB_SOURCE_DIR) / "tests/fixtures/rope";

nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("rope variants: logits and greedy tokens equal PyTorch's", "[models][rope]") {
  const auto golden = read_json(kGoldens / "rope_goldens.json");
  const auto tensors = hub::safetensors::File::open(kGoldens / "rope_goldens.safetensors");
  const auto base_dir = fixture(golden["fixture"]);
  const auto base_config = read_json(base_dir / "config.json");
  const auto rows = golden["rows"].get<std::vector<std::size_t>>();
  std::size_t variants = 0;
  for (const auto& [name, v] : golden["variants"].items()) {
    INFO("rope variant " << name);
    ++variants;
    TempDir dir;
    auto config = base_config;
    for (const auto& [key, value] : v["config"].items()) config[key] = value;
    config.erase("rope_scaling");
    dir.put("config.json", config.dump(1));
    std::filesystem::create_symlink(base_dir / "model.safetensors", dir.path() / "model.safetensors");
    const auto model = hub::AutoModel::from_pretrained(dir.path().string(), local_options());

    const auto prompt = v["prompt"].get<std::vector<std::int32_t>>();
    hub::ModelInput in;
    in.batch = 1;
    in.seq_len = prompt.size();
    in.input_ids = prompt;
    in.attention_mask.assign(prompt.size(), 1);
    const auto out = model.forward(in);
    const std::size_t vocab = out.logits.shape.at(2);
    auto view = tensors.get(v["logits"].get<std::string>());
    std::vector<float> expected(view.element_count());
    hub::safetensors::to_f32(view, expected);
    REQUIRE(expected.size() == rows.size() * vocab);
    double err = 0;
    for (std::size_t r = 0; r < rows.size(); ++r)
      for (std::size_t i = 0; i < vocab; ++i)
        err = std::max(err, std::fabs(double(out.logits.values[rows[r] * vocab + i]) - expected[r * vocab + i]));
    CHECK(err < 5e-4);  // the fixture README's llama_medium tolerance

    hub::GenerationOptions go;
    go.max_new_tokens = golden["new_tokens"].get<std::size_t>();
    go.do_sample = false;
    go.eos_token_ids = {-1};  // no early stop: the reference ran every step
    const auto tokens = model.generate(in, go);
    CHECK(tokens.at(0) == v["tokens"].get<std::vector<std::int32_t>>());
  }
  CHECK(variants == 7);
}
