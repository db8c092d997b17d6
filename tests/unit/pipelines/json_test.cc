// PipelineResult::to_json writes what Python's json.dumps writes for the pipeline's return value.
#include <catch2/catch.hpp>

#include "hub/error.h"
#include "hub/pipeline.h"
#include "pipelines/python_json.h"
#include "results.h"

using namespace hub;
using namespace hub::pipelines;

TEST_CASE("python_dumps matches json.dumps", "[pipelines]") {
  nlohmann::ordered_json j = {{"b", 1}, {"a", {1.5, "x"}}, {"s", "d\u00e9j\u00e0 \U0001F680 \"q\""}};
  CHECK(python_dumps(j) == R"({"b": 1, "a": [1.5, "x"], "s": "d\u00e9j\u00e0 \ud83d\ude80 \"q\""})");
  CHECK(python_dumps(nlohmann::ordered_json(1e-05)) == "1e-05");
  CHECK(python_dumps(nlohmann::ordered_json(1.0)) == "1.0");
  CHECK(python_dumps(nlohmann::ordered_json::array()) == "[]");
  CHECK(python_dumps(nlohmann::ordered_json("a\xe6")) == R"("a\ufffd")");  // invalid UTF-8: U+FFFD
}

TEST_CASE("to_json: float32 scores as Python floats, keys in transformers' order", "[pipelines]") {
  // json.dumps of the golden values (float32 values printed as Python floats).
  PipelineResult r{Task::text_classification, false, false, {test::with_labels({{"POSITIVE", 0.6732365489006042f}})}};
  CHECK(r.to_json() == R"([{"label": "POSITIVE", "score": 0.6732365489006042}])");

  PipelineResult ner{Task::token_classification, false, false, {}};
  ner.texts.push_back(test::with_entities(
      {{"PER", 0.3966759145259857f, std::nullopt, "l", 2, 3}, {"B-LOC", 0.5f, 4, "\u654f", 29, 30}}));
  CHECK(ner.to_json() == R"([{"entity_group": "PER", "score": 0.3966759145259857, "word": "l", "start": 2, "end": 3}, )"
                         R"({"entity": "B-LOC", "score": 0.5, "index": 4, "word": "\u654f", "start": 29, "end": 30}])");
  CHECK_THROWS_AS(ner.to_json(1), hub::Error);
}

TEST_CASE("to_json: fill-mask nesting for one and several masks", "[pipelines]") {
  FillMaskCandidate c{0.0061249020509421825f, 836, "##ence", "i love thisence delivery!"};
  const std::string one = R"([{"score": 0.0061249020509421825, "token": 836, "token_str": "##ence", )"
                          R"("sequence": "i love thisence delivery!"}])";
  PipelineResult single{Task::fill_mask, false, false, {test::with_masks({{c}})}};
  CHECK(single.to_json() == one);
  PipelineResult two_masks{Task::fill_mask, false, false, {test::with_masks({{c}, {c}})}};
  CHECK(two_masks.to_json() == "[" + one + ", " + one + "]");
  // A one-text list returns that text's result (FillMaskPipeline.__call__); two texts a list.
  PipelineResult list1{Task::fill_mask, true, false, {test::with_masks({{c}})}};
  CHECK(list1.to_json() == one);
  PipelineResult list2{Task::fill_mask, true, false, {test::with_masks({{c}}), test::with_masks({{c}})}};
  CHECK(list2.to_json() == "[" + one + ", " + one + "]");
}

TEST_CASE("to_json: features and embeddings nesting", "[pipelines]") {
  TextResult t;
  t.features.shape = {1, 2, 2};
  t.features.values = {0.5f, 1.0f, -2.0f, 0.25f};
  PipelineResult f{Task::feature_extraction, false, false, {t}};
  CHECK(f.to_json() == "[[[0.5, 1.0], [-2.0, 0.25]]]");
  f.batched = true;
  CHECK(f.to_json() == "[[[[0.5, 1.0], [-2.0, 0.25]]]]");
  PipelineResult e{
      Task::sentence_embeddings, true, false, {test::with_embedding({0.5f, 0.125f}), test::with_embedding({1.0f})}};
  CHECK(e.to_json() == "[[0.5, 0.125], [1.0]]");
  CHECK(e.to_json(1) == "[1.0]");
}

TEST_CASE("task, strategy and function names", "[pipelines]") {
  CHECK(parse_task("sentiment-analysis") == Task::text_classification);
  CHECK(parse_task("ner") == Task::token_classification);
  CHECK(parse_task("sentence-similarity") == Task::sentence_embeddings);
  CHECK(to_string(parse_task("fill-mask")) == "fill-mask");
  CHECK_THROWS_AS(parse_task("summarization"), hub::Error);
  CHECK(parse_aggregation_strategy("AVERAGE") == AggregationStrategy::average);
  CHECK_THROWS_AS(parse_aggregation_strategy("mean"), hub::Error);
}
