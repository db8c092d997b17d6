// hub::pipeline end to end on the fixture model folders: tokenizer + engine + post-processing
// against the reference pipeline outputs (engine tolerance: scores within 1e-4 relative, the
// model outputs within 1e-4 absolute; labels, words, offsets, tokens and strings exact).
#include "hub/pipeline.h"

#include <catch2/catch.hpp>

#include "golden.h"

using namespace hub;
using hub::pipelines::test::close;
using hub::pipelines::test::fixture_dir;
using hub::pipelines::test::Golden;

namespace {

std::vector<std::string> inputs(const Golden& g) {
  return g.json["pipeline"]["inputs"].get<std::vector<std::string>>();
}

}  // namespace

TEST_CASE("pipeline: sentiment-analysis and text-classification match the reference", "[pipelines]") {
  for (std::string name : {"distilbert_sst2", "roberta_cls"}) {
    INFO(name);
    const Golden g = Golden::load(name);
    PipelineOptions o;
    o.top_k = top_k_all;  // the golden call's top_k=None
    o.batch_size = 3;     // two batches, the first padded
    const Pipeline clf = pipeline("text-classification", fixture_dir(name).string(), o);
    CHECK(clf.task() == Task::text_classification);
    CHECK(clf.max_length() == 128);
    const PipelineResult r = clf(inputs(g));
    const auto got = nlohmann::json::parse(r.to_json());
    REQUIRE(got.size() == g.outputs().size());
    for (std::size_t i = 0; i < got.size(); ++i)
      for (std::size_t j = 0; j < got[i].size(); ++j) {
        CHECK(got[i][j]["label"] == g.outputs()[i][j]["label"]);
        CHECK(close(got[i][j]["score"].get<double>(), g.outputs()[i][j]["score"].get<double>(), 1e-4));
      }
  }
  // The default call: one {label, score} for a string, in a list.
  const Golden g = Golden::load("distilbert_sst2");
  auto clf = hub::pipeline("sentiment-analysis", fixture_dir("distilbert_sst2").string());
  auto out = clf("I love this package delivery!");
  const auto j = nlohmann::json::parse(out.to_json());
  REQUIRE(j.size() == 1);
  CHECK(j[0]["label"] == g.outputs()[0][0]["label"]);
}

TEST_CASE("pipeline: ner (aggregation simple) matches the reference", "[pipelines]") {
  const Golden g = Golden::load("bert_ner");
  PipelineOptions o;
  o.aggregation_strategy = AggregationStrategy::simple;
  const Pipeline ner = pipeline("ner", fixture_dir("bert_ner").string(), o);
  const PipelineResult r = ner(inputs(g));
  REQUIRE(r.texts.size() == g.outputs().size());
  for (std::size_t i = 0; i < r.texts.size(); ++i) {
    const auto& got = r.texts[i].entities;
    const auto& want = g.outputs()[i];
    REQUIRE(got.size() == want.size());
    for (std::size_t k = 0; k < got.size(); ++k) {
      CHECK(got[k].entity == want[k]["entity_group"]);
      CHECK(got[k].word == want[k]["word"]);
      CHECK(got[k].start == want[k]["start"]);
      CHECK(got[k].end == want[k]["end"]);
      CHECK(close(got[k].score, want[k]["score"].get<double>(), 1e-4));
    }
  }
}

TEST_CASE("pipeline: fill-mask matches the reference", "[pipelines]") {
  const Golden g = Golden::load("bert_mlm");
  PipelineOptions o;
  o.top_k = 5;
  const Pipeline fill = pipeline("fill-mask", fixture_dir("bert_mlm").string(), o);
  const PipelineResult r = fill(inputs(g));
  REQUIRE(r.texts.size() == g.outputs().size());
  for (std::size_t i = 0; i < r.texts.size(); ++i) {
    REQUIRE(r.texts[i].masks.size() == 1);
    const auto& got = r.texts[i].masks[0];
    const auto& want = g.outputs()[i];
    REQUIRE(got.size() == want.size());
    for (std::size_t k = 0; k < got.size(); ++k) {
      CHECK(got[k].token == want[k]["token"]);
      CHECK(got[k].token_str == want[k]["token_str"]);
      CHECK(got[k].sequence == want[k]["sequence"]);
      CHECK(close(got[k].score, want[k]["score"].get<double>(), 1e-4));
    }
  }
  CHECK_THROWS_AS(fill("no mask here"), hub::Error);
}

TEST_CASE("pipeline: feature-extraction and embeddings match the reference", "[pipelines]") {
  const Golden g = Golden::load("minilm_base");
  const Pipeline fe = pipeline("feature-extraction", fixture_dir("minilm_base").string());
  const auto got = nlohmann::json::parse(fe(inputs(g)).to_json());
  REQUIRE(got.size() == g.outputs().size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    REQUIRE(got[i].size() == 1);
    REQUIRE(got[i][0].size() == g.outputs()[i][0].size());
    for (std::size_t s = 0; s < got[i][0].size(); ++s)
      for (std::size_t h = 0; h < got[i][0][s].size(); ++h)
        REQUIRE(std::abs(got[i][0][s][h].get<double>() - g.outputs()[i][0][s][h].get<double>()) < 1e-4);
  }

  const Golden st = Golden::load("minilm_st");
  std::vector<std::size_t> shape;
  const auto want = st.floats("embeddings", &shape);
  const Pipeline emb = pipeline("sentence-similarity", fixture_dir("minilm_st").string());
  const PipelineResult r = emb(st.json["texts"].get<std::vector<std::string>>());
  REQUIRE(r.texts.size() == shape[0]);
  for (std::size_t i = 0; i < shape[0]; ++i) {
    REQUIRE(r.texts[i].embedding.size() == shape[1]);
    for (std::size_t h = 0; h < shape[1]; ++h)
      REQUIRE(std::abs(r.texts[i].embedding[h] - want[i * shape[1] + h]) < 1e-4);
  }
}

TEST_CASE("pipeline: long texts are truncated, wrong tasks and options refused", "[pipelines]") {
  std::string text;
  for (int i = 0; i < 400; ++i) text += "delivery package love ";
  const Pipeline ner = pipeline("token-classification", fixture_dir("bert_ner").string());
  const auto r = ner(text);  // ~1200 tokens, cut at 128
  for (const auto& e : r.texts[0].entities) {
    CHECK(e.index);  // aggregation none by default
    CHECK(*e.index < 128);
  }
  CHECK(pipeline("sentiment-analysis", fixture_dir("roberta_cls").string())(text).texts[0].labels.size() == 1);

  auto code = [](auto&& f) {
    try {
      f();
    } catch (const hub::Error& e) {
      return e.code();
    }
    return Errc::internal;
  };
  const std::string sst2 = fixture_dir("distilbert_sst2").string();
  CHECK(code([&] { pipeline("fill-mask", sst2); }) == Errc::unsupported);
  CHECK(code([&] { pipeline("summarization", sst2); }) == Errc::invalid_input);
  PipelineOptions o;
  o.top_k = 3;
  CHECK(code([&] { pipeline("ner", fixture_dir("bert_ner").string(), o); }) == Errc::invalid_input);
  o = {};
  o.aggregation_strategy = AggregationStrategy::first;
  CHECK(code([&] { pipeline("sentiment-analysis", sst2, o); }) == Errc::invalid_input);
}
