// AutoConfig: both transformers config layouts, clear errors naming the field.
#include <catch2/catch.hpp>

#include "hub/error.h"
#include "hub/model.h"
#include "model_fixture.h"

using Catch::Contains;
using hub::ModelConfig;

namespace {

hub::Error error_of(std::string_view json) {
  try {
    ModelConfig::from_json(json);
  } catch (const hub::Error& e) {
    return e;
  }
  return hub::Error(hub::Errc::internal, "<parsed>");
}

}  // namespace

TEST_CASE("AutoConfig reads the transformers 5 layout of the fixtures", "[models][config]") {
  auto c = hub::AutoConfig::from_pretrained(hub::models::test::fixture("bert_ner").string());
  CHECK(c.model_type == "bert");
  CHECK(c.architectures == std::vector<std::string>{"BertForTokenClassification"});
  CHECK(c.hidden_size == 64);
  CHECK(c.num_hidden_layers == 2);
  CHECK(c.id2label == std::vector<std::string>{"O", "B-PER", "I-PER", "B-LOC", "I-LOC"});
  CHECK(c.dtype == "float32");
  CHECK(c.warnings.empty());

  auto d = hub::AutoConfig::from_pretrained(hub::models::test::fixture("distilbert_sst2").string());
  CHECK(d.hidden_size == 64);         // from "dim"
  CHECK(d.intermediate_size == 128);  // from "hidden_dim"
  CHECK(d.num_attention_heads == 4);  // from "n_heads"
  CHECK(d.type_vocab_size == 0);
}

TEST_CASE("AutoConfig reads the transformers 4 layout", "[models][config]") {
  auto c = ModelConfig::from_json(R"({"model_type": "bert", "hidden_size": 768, "num_hidden_layers": 12,
    "num_attention_heads": 12, "vocab_size": 30522, "torch_dtype": "float16", "_num_labels": 3,
    "num_labels": 3, "gradient_checkpointing": false, "hidden_act": "gelu_new"})");
  CHECK(c.dtype == "float16");
  CHECK(c.intermediate_size == 3072);  // 4 x hidden by default
  CHECK(c.max_position_embeddings == 512);
  CHECK(c.type_vocab_size == 2);
  CHECK(c.id2label == std::vector<std::string>{"LABEL_0", "LABEL_1", "LABEL_2"});
  CHECK(c.hidden_act == "gelu_new");
  // No labels at all: transformers' default of two.
  auto d = ModelConfig::from_json(R"({"model_type": "bert", "hidden_size": 8, "num_hidden_layers": 1,
    "num_attention_heads": 2, "vocab_size": 10})");
  CHECK(d.num_labels() == 2);
}

TEST_CASE("AutoConfig names the field that is wrong", "[models][config]") {
  auto e = error_of(R"({"model_type": "bert", "num_hidden_layers": 1, "num_attention_heads": 2, "vocab_size": 9})");
  CHECK(e.code() == hub::Errc::invalid_input);
  CHECK_THAT(e.what(), Contains("hidden_size") && Contains("missing"));
  e = error_of(
      R"({"model_type": "bert", "hidden_size": 10, "num_hidden_layers": 1, "num_attention_heads": 3, "vocab_size": 9})");
  CHECK_THAT(e.what(), Contains("num_attention_heads"));
  e = error_of(
      R"({"model_type": "bert", "hidden_size": "big", "num_hidden_layers": 1, "num_attention_heads": 2, "vocab_size": 9})");
  CHECK_THAT(e.what(), Contains("hidden_size") && Contains("integer"));
  e = error_of(R"({"model_type": "bert", "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
    "vocab_size": 9, "id2label": {"zero": "A"}})");
  CHECK_THAT(e.what(), Contains("id2label") && Contains("zero"));
  e = error_of("{not json");
  CHECK_THAT(e.what(), Contains("config.json") && Contains("JSON"));
}

TEST_CASE("AutoConfig reports fields it does not use", "[models][config]") {
  auto c = ModelConfig::from_json(R"({"model_type": "bert", "hidden_size": 8, "num_hidden_layers": 1,
    "num_attention_heads": 2, "vocab_size": 10, "rotary_dim": 4})");
  REQUIRE(c.warnings.size() == 1);
  CHECK_THAT(c.warnings[0], Contains("rotary_dim"));
}
