// SentenceTransformer: both module-naming generations, every pooling mode, refused modules.
#include <catch2/catch.hpp>
#include <cmath>

#include "hub/auto_tokenizer.h"
#include "hub/error.h"
#include "hub/model.h"
#include "model_fixture.h"

using Catch::Contains;
using namespace hub::models::test;

namespace {

// A copy of minilm_st with modules.json and the pooling config replaced.
void write_st(const TempDir& dir, const std::string& modules, const std::string& pooling) {
  auto src = fixture("minilm_st");
  for (const char* f : {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}) {
    dir.put(f, hub::safetensors::test::slurp(src / f));
  }
  dir.put("modules.json", modules);
  dir.put("1_Pooling/config.json", pooling);
}

const char* kClassicModules = R"([
  {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
  {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
  {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}])";

const std::vector<std::string> kTexts = {"I love this package delivery!", "Hello world, the weather is great today."};

}  // namespace

TEST_CASE("Classic module names and pooling keys give the version-6 embeddings", "[models][st]") {
  auto v6 = hub::SentenceTransformer::from_pretrained(fixture("minilm_st").string(), local_options());
  TempDir dir;
  write_st(dir, kClassicModules, R"({"word_embedding_dimension": 64, "pooling_mode_cls_token": false,
    "pooling_mode_mean_tokens": true, "pooling_mode_max_tokens": false, "pooling_mode_mean_sqrt_len_tokens": false})");
  auto classic = hub::SentenceTransformer::from_pretrained(dir.path().string(), local_options());
  auto a = v6.encode(kTexts), b = classic.encode(kTexts);
  REQUIRE(a.size() == 2);
  CHECK(max_diff(a[0], b[0]) == 0);
  CHECK(max_diff(a[1], b[1]) == 0);
  CHECK(v6.dimension() == 64);
}

TEST_CASE("cls, max and concatenated pooling follow the token embeddings", "[models][st]") {
  auto model = hub::AutoModel::from_pretrained(fixture("minilm_st").string(), local_options());
  auto tok = hub::AutoTokenizer::from_pretrained(fixture("minilm_st").string());
  auto enc = tok.encode(kTexts[0]);
  auto hidden = model.forward(hub::ModelInput::from_encodings(std::span(&enc, 1), 0)).hidden;
  const std::size_t h = 64, n = enc.size();
  std::vector<float> cls(hidden.values.begin(), hidden.values.begin() + h), max(h, -1e9f);
  for (std::size_t s = 0; s < n; ++s) {
    for (std::size_t i = 0; i < h; ++i) max[i] = std::max(max[i], hidden.values[s * h + i]);
  }
  TempDir dir;
  // No Normalize module: raw pooled vectors, cls then max concatenated.
  write_st(dir, R"([{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
    {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}])",
           R"({"embedding_dimension": 64, "pooling_mode": ["cls", "max"]})");
  auto st = hub::SentenceTransformer::from_pretrained(dir.path().string(), local_options());
  // Batched with a longer text: padding must not leak into either pooling.
  auto out = st.encode({kTexts[0], kTexts[1]});
  REQUIRE(out[0].size() == 2 * h);
  std::vector<float> expected = cls;
  expected.insert(expected.end(), max.begin(), max.end());
  CHECK(max_diff(out[0], expected) < 1e-5);
}

TEST_CASE("Modules libhub cannot run are refused by name", "[models][st]") {
  TempDir dir;
  write_st(dir, R"([{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
    {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
    {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}])",
           R"({"pooling_mode": "mean"})");
  try {
    hub::SentenceTransformer::from_pretrained(dir.path().string(), local_options());
    FAIL("loaded a Dense module it cannot run");
  } catch (const hub::Error& e) {
    CHECK(e.code() == hub::Errc::unsupported);
    CHECK_THAT(e.what(), Contains("sentence_transformers.models.Dense"));
  }
  TempDir bad;
  write_st(bad, kClassicModules, R"({"pooling_mode": "median"})");
  CHECK_THROWS_WITH(hub::SentenceTransformer::from_pretrained(bad.path().string(), local_options()),
                    Contains("median"));
}
