// text-classification post-processing against the reference pipeline's outputs (golden logits in,
// transformers' {label, score} lists out), plus top_k and function_to_apply variants.
#include <catch2/catch.hpp>
#include <cmath>

#include "golden.h"

using namespace hub;
using namespace hub::pipelines;
using hub::pipelines::test::close;
using hub::pipelines::test::Golden;

TEST_CASE("text-classification reproduces the golden pipeline (top_k=None)", "[pipelines]") {
  for (std::string name : {"distilbert_sst2", "roberta_cls"}) {
    INFO(name);
    const Golden g = Golden::load(name);
    REQUIRE(g.json["pipeline"]["task"] == "text-classification");
    REQUIRE(g.json["pipeline"]["kwargs"]["top_k"].is_null());
    const auto labels = g.labels();
    const auto function = default_classification_function("", labels.size());
    CHECK(function == ClassificationFunction::softmax);
    PipelineResult all{Task::text_classification, true, true, {}};
    for (std::size_t i = 0; i < g.cases(); ++i) {
      INFO("case " << i);
      REQUIRE(g.json["pipeline"]["inputs"][i] == g.text(i));
      const auto out = classify(g.logits(i), labels, function, top_k_all);
      const auto& want = g.outputs()[i];
      REQUIRE(out.size() == want.size());
      for (std::size_t j = 0; j < out.size(); ++j) {
        CHECK(out[j].label == want[j]["label"]);
        CHECK(close(out[j].score, want[j]["score"].get<double>()));
      }
      all.texts.push_back(test::with_labels(out));
    }
    // The whole call's JSON has the golden structure: a list of label lists, in order.
    const auto parsed = nlohmann::json::parse(all.to_json());
    REQUIRE(parsed.size() == g.outputs().size());
    for (std::size_t i = 0; i < parsed.size(); ++i)
      for (std::size_t j = 0; j < parsed[i].size(); ++j) {
        CHECK(parsed[i][j]["label"] == g.outputs()[i][j]["label"]);
        CHECK(close(parsed[i][j]["score"].get<double>(), g.outputs()[i][j]["score"].get<double>()));
      }
  }
}

TEST_CASE("text-classification top_k: unset, 1, k, all", "[pipelines]") {
  const Golden g = Golden::load("roberta_cls");
  const auto labels = g.labels();
  const auto logits = g.logits(1);
  const auto all = classify(logits, labels, ClassificationFunction::softmax, top_k_all);
  REQUIRE(all.size() == 3);
  CHECK(all[0].score >= all[1].score);
  CHECK(all[1].score >= all[2].score);

  // Unset: transformers' legacy output, the best label only.
  const auto legacy = classify(logits, labels, ClassificationFunction::softmax, std::nullopt);
  REQUIRE(legacy.size() == 1);
  CHECK(legacy[0].label == all[0].label);
  CHECK(legacy[0].score == all[0].score);
  CHECK(classify(logits, labels, ClassificationFunction::softmax, 1).size() == 1);
  const auto two = classify(logits, labels, ClassificationFunction::softmax, 2);
  REQUIRE(two.size() == 2);
  CHECK(two[1].label == all[1].label);
  CHECK(classify(logits, labels, ClassificationFunction::softmax, 0).empty());
  CHECK(classify(logits, labels, ClassificationFunction::softmax, 10).size() == 3);
  CHECK_THROWS_AS(classify(logits, labels, ClassificationFunction::softmax, -2), hub::Error);
  CHECK_THROWS_AS(classify(logits, {"a", "b"}, ClassificationFunction::softmax, 1), hub::Error);

  // JSON shapes of transformers for one string and for a list.
  PipelineResult one{Task::text_classification, false, false, {test::with_labels(legacy)}};
  CHECK(nlohmann::json::parse(one.to_json()).size() == 1);  // [ {label, score} ]
  CHECK(nlohmann::json::parse(one.to_json())[0]["label"] == all[0].label);
  PipelineResult list_legacy{
      Task::text_classification, true, false, {test::with_labels(legacy), test::with_labels(legacy)}};
  auto j = nlohmann::json::parse(list_legacy.to_json());
  CHECK(j.size() == 2);
  CHECK(j[0].is_object());  // one dict per text
  PipelineResult list_topk{Task::text_classification, true, true, {test::with_labels(legacy), test::with_labels(two)}};
  j = nlohmann::json::parse(list_topk.to_json());
  CHECK(j[0].is_array());  // a list per text
  CHECK(j[1].size() == 2);
}

TEST_CASE("text-classification function_to_apply", "[pipelines]") {
  const Golden g = Golden::load("distilbert_sst2");
  const auto labels = g.labels();
  const auto logits = g.logits(0);
  const auto none = classify(logits, labels, ClassificationFunction::none, top_k_all);
  const auto sigmoid = classify(logits, labels, ClassificationFunction::sigmoid, top_k_all);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::size_t id = labels[0] == none[i].label ? 0 : 1;
    CHECK(none[i].score == logits[id]);
    const auto s = std::find_if(sigmoid.begin(), sigmoid.end(), [&](auto& l) { return l.label == labels[id]; });
    CHECK(close(s->score, 1.0 / (1.0 + std::exp(-double(logits[id])))));
  }
  CHECK(default_classification_function("", 1) == ClassificationFunction::sigmoid);
  CHECK(default_classification_function("multi_label_classification", 4) == ClassificationFunction::sigmoid);
  CHECK(default_classification_function("single_label_classification", 1) == ClassificationFunction::sigmoid);
  CHECK(default_classification_function("regression", 1) == ClassificationFunction::none);
  CHECK(default_classification_function("", 2) == ClassificationFunction::softmax);
  CHECK(parse_classification_function("SOFTMAX") == ClassificationFunction::softmax);
  CHECK_THROWS_AS(parse_classification_function("relu"), hub::Error);
}
