// feature-extraction and sentence embeddings: golden hidden states and embeddings in, the
// pipeline's nesting out ([1][tokens][hidden] per text; one vector per text).
#include <catch2/catch.hpp>

#include "golden.h"

using namespace hub;
using namespace hub::pipelines;
using hub::pipelines::test::Golden;

TEST_CASE("feature-extraction reproduces the golden pipeline from the hidden states", "[pipelines]") {
  const Golden g = Golden::load("minilm_base");
  REQUIRE(g.json["pipeline"]["task"] == "feature-extraction");
  std::vector<std::size_t> shape;
  FloatTensor batch;
  batch.values = g.floats("batch.hidden", &shape);
  batch.shape = shape;
  PipelineResult r{Task::feature_extraction, true, false, {}};
  for (std::size_t i = 0; i < g.cases(); ++i) {
    INFO("case " << i);
    REQUIRE(g.json["pipeline"]["inputs"][i] == g.text(i));
    const std::size_t len = g.json["cases"][i]["input_ids"].size();
    // The single-text hidden state is what the pipeline printed (the reference ran them apart:
    // float32 noise only).
    FloatTensor single;
    single.values = g.floats(g.json["cases"][i]["tensors"]["hidden"], &shape);
    single.shape = {1, shape[0], shape[1]};
    PipelineResult one{Task::feature_extraction, false, false, {test::with_features(single)}};
    const auto want = g.outputs()[i];
    const auto got = nlohmann::json::parse(one.to_json());
    double worst = 0;
    REQUIRE(got.size() == 1);
    REQUIRE(got[0].size() == len);
    for (std::size_t s = 0; s < len; ++s)
      for (std::size_t h = 0; h < shape[1]; ++h) {
        const double a = got[0][s][h], b = want[0][s][h];
        worst = std::max(worst, std::abs(a - b));
        REQUIRE(std::abs(a - b) <= 1e-5 * std::max(1.0, std::abs(b)));
      }
    INFO("largest difference " << worst);
    // The padded batch, cut to the text's tokens, agrees within float32 batching noise.
    const FloatTensor cut = sequence_features(batch, i, len);
    REQUIRE(cut.shape == std::vector<std::size_t>{1, len, shape[1]});
    for (std::size_t k = 0; k < cut.values.size(); ++k) REQUIRE(std::abs(cut.values[k] - single.values[k]) < 1e-4f);
    r.texts.push_back(test::with_features(cut));
  }
  CHECK(nlohmann::json::parse(r.to_json()).size() == g.cases());
  CHECK_THROWS_AS(sequence_features(batch, g.cases(), 1), hub::Error);
  CHECK_THROWS_AS(sequence_features(batch, 0, 1000), hub::Error);
}

TEST_CASE("sentence embeddings serialize as SentenceTransformer.encode returns them", "[pipelines]") {
  const Golden g = Golden::load("minilm_st");
  std::vector<std::size_t> shape;
  const auto emb = g.floats("embeddings", &shape);
  PipelineResult r{Task::sentence_embeddings, true, false, {}};
  for (std::size_t i = 0; i < shape[0]; ++i)
    r.texts.push_back(
        test::with_embedding(std::vector<float>(emb.begin() + i * shape[1], emb.begin() + (i + 1) * shape[1])));
  const auto j = nlohmann::json::parse(r.to_json());
  REQUIRE(j.size() == shape[0]);
  REQUIRE(j[3].size() == shape[1]);
  CHECK(j[3][5].get<float>() == emb[3 * shape[1] + 5]);
  CHECK(nlohmann::json::parse(r.to_json(2)).size() == shape[1]);
}
