// hub::Tokenizer end to end on small tokenizer.json documents, and load errors.
#include "hub/tokenizer.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hub/error.h"

using nlohmann::json;

namespace {

// A WordLevel tokenizer over whitespace with a BERT-style template.
json word_level() {
  return {{"version", "1.0"},
          {"added_tokens",
           {{{"id", 0},
             {"content", "[CLS]"},
             {"single_word", false},
             {"lstrip", false},
             {"rstrip", false},
             {"normalized", false},
             {"special", true}},
            {{"id", 1},
             {"content", "[SEP]"},
             {"single_word", false},
             {"lstrip", false},
             {"rstrip", false},
             {"normalized", false},
             {"special", true}}}},
          {"normalizer", {{"type", "Lowercase"}}},
          {"pre_tokenizer", {{"type", "WhitespaceSplit"}}},
          {"model",
           {{"type", "WordLevel"},
            {"vocab", {{"[CLS]", 0}, {"[SEP]", 1}, {"[UNK]", 2}, {"hello", 3}, {"world", 4}}},
            {"unk_token", "[UNK]"}}},
          {"post_processor",
           {{"type", "TemplateProcessing"},
            {"single",
             {{{"SpecialToken", {{"id", "[CLS]"}, {"type_id", 0}}}},
              {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
              {{"SpecialToken", {{"id", "[SEP]"}, {"type_id", 0}}}}}},
            {"pair",
             {{{"SpecialToken", {{"id", "[CLS]"}, {"type_id", 0}}}},
              {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
              {{"SpecialToken", {{"id", "[SEP]"}, {"type_id", 0}}}},
              {{"Sequence", {{"id", "B"}, {"type_id", 1}}}},
              {{"SpecialToken", {{"id", "[SEP]"}, {"type_id", 1}}}}}},
            {"special_tokens",
             {{"[CLS]", {{"id", "[CLS]"}, {"ids", {0}}, {"tokens", {"[CLS]"}}}},
              {"[SEP]", {{"id", "[SEP]"}, {"ids", {1}}, {"tokens", {"[SEP]"}}}}}}}},
          {"decoder", nullptr}};
}

hub::Errc load_error(const json& j, std::string* message = nullptr) {
  try {
    hub::Tokenizer::from_json(j.dump());
  } catch (const hub::Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  FAIL("expected a load error");
  return hub::Errc::internal;
}

}  // namespace

TEST_CASE("encode: template, offsets in code points, word ids, masks", "[tokenizer]") {
  auto tok = hub::Tokenizer::from_json(word_level().dump());
  auto e = tok.encode("\xC3\xA9 Hello  world");  // é Hello  world
  CHECK(e.ids == std::vector<std::uint32_t>{0, 2, 3, 4, 1});
  CHECK(e.tokens == std::vector<std::string>{"[CLS]", "[UNK]", "hello", "world", "[SEP]"});
  CHECK(e.offsets == std::vector<std::pair<std::size_t, std::size_t>>{{0, 0}, {0, 1}, {2, 7}, {9, 14}, {0, 0}});
  CHECK(e.special_tokens_mask == std::vector<std::uint32_t>{1, 0, 0, 0, 1});
  CHECK(e.word_ids[0] == std::nullopt);
  CHECK(e.word_ids[2] == 1u);
  CHECK(tok.decode(e.ids) == "[CLS] [UNK] hello world [SEP]");
  CHECK(tok.decode(e.ids, true) == "[UNK] hello world");

  auto p = tok.encode_pair("hello", "world");
  CHECK(p.ids == std::vector<std::uint32_t>{0, 3, 1, 4, 1});
  CHECK(p.type_ids == std::vector<std::uint32_t>{0, 0, 0, 1, 1});
  CHECK(tok.encode("hello", false).ids == std::vector<std::uint32_t>{3});
  // Added tokens in the text are matched before normalization.
  CHECK(tok.encode("HELLO[SEP]world", false).ids == std::vector<std::uint32_t>{3, 1, 4});
}

TEST_CASE("truncation and padding from the file", "[tokenizer]") {
  json j = word_level();
  j["truncation"] = {{"max_length", 4}, {"strategy", "LongestFirst"}, {"stride", 0}, {"direction", "Right"}};
  j["padding"] = {{"strategy", "BatchLongest"}, {"direction", "Right"}, {"pad_to_multiple_of", nullptr}, {"pad_id", 2},
                  {"pad_type_id", 0},           {"pad_token", "[UNK]"}};
  auto tok = hub::Tokenizer::from_json(j.dump());
  auto e = tok.encode("hello world hello world");
  CHECK(e.ids == std::vector<std::uint32_t>{0, 3, 4, 1});
  REQUIRE(e.overflowing.size() == 1);
  auto batch = tok.encode_batch({"hello", "hello world", "world"});
  REQUIRE(batch.size() == 3);
  CHECK(batch[0].ids == std::vector<std::uint32_t>{0, 3, 1, 2});
  CHECK(batch[0].attention_mask == std::vector<std::uint32_t>{1, 1, 1, 0});
  CHECK(batch[1].ids == std::vector<std::uint32_t>{0, 3, 4, 1});
}

TEST_CASE("load errors name the field and the reason", "[tokenizer]") {
  std::string msg;
  CHECK(load_error(json::array(), &msg) == hub::Errc::invalid_input);
  json j = word_level();
  j.erase("model");
  CHECK(load_error(j, &msg) == hub::Errc::invalid_input);
  CHECK(msg.find("model") != std::string::npos);

  j = word_level();
  j["normalizer"] = {{"type", "Sequence"}, {"normalizers", {{{"type", "Lowercase"}}, {{"type", "Bogus"}}}}};
  CHECK(load_error(j, &msg) == hub::Errc::invalid_input);
  CHECK(msg.find("normalizer.normalizers[1].type") != std::string::npos);

  j = word_level();
  j["version"] = "2.0";
  CHECK(load_error(j) == hub::Errc::unsupported);

  j = word_level();
  j["added_tokens"][0].erase("special");
  CHECK(load_error(j, &msg) == hub::Errc::invalid_input);
  CHECK(msg.find("added_tokens[0]") != std::string::npos);

  CHECK_THROWS_AS(hub::Tokenizer::from_json("{\"model\": "), hub::Error);
  CHECK_THROWS_AS(hub::Tokenizer::from_file("/nonexistent/tokenizer.json"), hub::Error);
}
