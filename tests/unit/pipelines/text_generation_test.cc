// hub::pipeline("text-generation" / "text2text-generation") on the fixture models: the transformers
// output layout, greedy results equal to the golden generate() runs, streaming, stop strings,
// left-padded batches, and the refusals.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "golden.h"
#include "hub/error.h"
#include "hub/pipeline.h"

using namespace hub;
using hub::pipelines::test::fixture_dir;
using hub::pipelines::test::Golden;

namespace {

std::vector<std::uint32_t> u32(const nlohmann::json& ids) {
  std::vector<std::uint32_t> out;
  for (const auto& v : ids) out.push_back(v.get<std::uint32_t>());
  return out;
}

// The golden generate() run of `text`: its prompt ids and new ids.
struct GoldenRun {
  std::vector<std::uint32_t> prompt, fresh;
};

GoldenRun golden_run(const Golden& g, const std::string& text) {
  for (const auto& run : g.json["generate"]["runs"]) {
    if (run["text"] != text) continue;
    GoldenRun r;
    r.prompt = u32(run["input_ids"]);
    const auto all = u32(run["output_ids"]);
    r.fresh.assign(all.begin() + static_cast<std::ptrdiff_t>(r.prompt.size()), all.end());
    return r;
  }
  throw Error(Errc::invalid_input, "no golden generate run for " + text);
}

}  // namespace

TEST_CASE("text-generation: greedy results are the golden generate() runs, in transformers' layout",
          "[pipelines][generation]") {
  for (std::string name : {"gpt2_lm", "qwen2_lm", "gemma_lm"}) {
    INFO(name);
    const Golden g = Golden::load(name);
    const Tokenizer tok = g.tokenizer();
    PipelineOptions o;
    o.generation.max_new_tokens = 16;  // the golden runs' length
    o.generation.do_sample = false;
    const Pipeline gen = pipeline("text-generation", fixture_dir(name).string(), o);
    CHECK(gen.task() == Task::text_generation);
    const std::string text = g.json["generate"]["runs"][0]["text"];
    const GoldenRun run = golden_run(g, text);
    const PipelineResult r = gen(text);
    REQUIRE(r.texts.size() == 1);
    const TextResult& t = r.texts[0];
    CHECK(std::vector<std::uint32_t>(t.generated_ids.begin(), t.generated_ids.end()) == run.fresh);
    // transformers 5: the prompt, then the new tokens decoded on their own.
    CHECK(t.generated_text == text + tok.decode(run.fresh, true, std::nullopt));
    CHECK(t.generation.prompt_tokens == run.prompt.size());
    CHECK(t.generation.new_tokens == run.fresh.size());
    // One string: [{"generated_text": ...}].
    const auto j = nlohmann::json::parse(r.to_json());
    REQUIRE(j.is_array());
    REQUIRE(j.size() == 1);
    CHECK(j[0]["generated_text"] == t.generated_text);
    CHECK(j[0].size() == 1);
  }
}

TEST_CASE("text-generation: a list of prompts gives a list per prompt; batches are left-padded and agree",
          "[pipelines][generation]") {
  const Golden g = Golden::load("llama_lm");
  std::vector<std::string> texts;
  for (const auto& run : g.json["generate"]["runs"]) texts.push_back(run["text"]);
  REQUIRE(texts.size() >= 3);
  PipelineOptions one;
  one.generation.max_new_tokens = 12;
  one.batch_size = 1;
  PipelineOptions batched = one;
  batched.batch_size = texts.size();  // one left-padded batch of prompts of different lengths
  const auto a = pipeline("text-generation", fixture_dir("llama_lm").string(), one)(texts);
  const auto b = pipeline("text-generation", fixture_dir("llama_lm").string(), batched)(texts);
  REQUIRE(a.texts.size() == texts.size());
  REQUIRE(b.texts.size() == texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    INFO(texts[i]);
    const GoldenRun run = golden_run(g, texts[i]);
    const std::vector<std::uint32_t> want(run.fresh.begin(), run.fresh.begin() + 12);
    CHECK(std::vector<std::uint32_t>(a.texts[i].generated_ids.begin(), a.texts[i].generated_ids.end()) == want);
    CHECK(b.texts[i].generated_ids == a.texts[i].generated_ids);
    CHECK(b.texts[i].generated_text == a.texts[i].generated_text);
  }
  const auto j = nlohmann::json::parse(b.to_json());
  REQUIRE(j.size() == texts.size());
  CHECK(j[1][0]["generated_text"] == b.texts[1].generated_text);
}

TEST_CASE("text-generation: streamed pieces continue the prompt as the tokenizer decodes it",
          "[pipelines][generation]") {
  for (std::string name : {"gpt2_lm", "llama_lm", "qwen3_lm"}) {
    INFO(name);
    const Golden g = Golden::load(name);
    const Tokenizer tok = g.tokenizer();
    const std::string text = g.json["generate"]["runs"].back()["text"];
    const GoldenRun run = golden_run(g, text);
    std::string streamed;
    std::size_t calls = 0;
    PipelineOptions o;
    o.generation.max_new_tokens = 16;
    o.on_text = [&](std::size_t index, std::string_view piece) {
      CHECK(index == 0);
      ++calls;
      streamed += piece;
    };
    const auto r = pipeline("text-generation", fixture_dir(name).string(), o)(text);
    CHECK(calls > 0);
    std::vector<std::uint32_t> all = run.prompt;
    all.insert(all.end(), run.fresh.begin(), run.fresh.end());
    const std::string whole = tok.decode(all, true, std::nullopt);
    const std::string prompt = tok.decode(run.prompt, true, std::nullopt);
    REQUIRE(whole.substr(0, prompt.size()) == prompt);
    CHECK(streamed == whole.substr(prompt.size()));
  }
}

TEST_CASE("text-generation: a stop string ends the text at the token that completes it", "[pipelines][generation]") {
  const Golden g = Golden::load("gpt2_lm");
  const Tokenizer tok = g.tokenizer();
  const std::string text = g.json["generate"]["runs"][0]["text"];
  const GoldenRun run = golden_run(g, text);
  REQUIRE(run.fresh.size() >= 8);
  // A stop string made of the end of the 5th new token's text and the start of the 6th's: the 6th
  // token completes it.
  const std::string upto5 = tok.decode({run.fresh.begin(), run.fresh.begin() + 5}, true, std::nullopt);
  const std::string upto6 = tok.decode({run.fresh.begin(), run.fresh.begin() + 6}, true, std::nullopt);
  REQUIRE(upto6.size() > upto5.size());
  const std::string stop = upto5.substr(upto5.size() - 1) + upto6.substr(upto5.size(), 1);
  REQUIRE(upto5.find(stop) == std::string::npos);
  PipelineOptions o;
  o.generation.max_new_tokens = 16;
  o.stop_strings = {stop};
  const auto r = pipeline("text-generation", fixture_dir("gpt2_lm").string(), o)(text);
  CHECK(r.texts[0].generated_ids.size() == 6);
  CHECK(r.texts[0].generated_text == text + upto6);

  o.return_full_text = false;
  const auto fresh = pipeline("text-generation", fixture_dir("gpt2_lm").string(), o)(text);
  CHECK(fresh.texts[0].generated_text == upto6);
}

TEST_CASE("text2text-generation: T5 greedy output, a flat list for a list of texts", "[pipelines][generation]") {
  const Golden g = Golden::load("t5_s2s");
  const Tokenizer tok = g.tokenizer();
  const auto& run = g.json["generate"]["runs"][0];
  const std::string text = run["text"];
  auto out = u32(run["output_ids"]);
  out.erase(out.begin());  // decoder_start_token_id
  PipelineOptions o;
  o.generation.max_new_tokens = g.json["generate"].value("max_new_tokens", 16);
  const auto gen = pipeline("text2text-generation", fixture_dir("t5_s2s").string(), o);
  const auto r = gen(std::vector<std::string>{text, text});
  REQUIRE(r.texts.size() == 2);
  CHECK(std::vector<std::uint32_t>(r.texts[0].generated_ids.begin(), r.texts[0].generated_ids.end()) == out);
  CHECK(r.texts[0].generated_text == tok.decode(out, true, std::nullopt));
  const auto j = nlohmann::json::parse(r.to_json());
  REQUIRE(j.size() == 2);
  CHECK(j[0]["generated_text"] == r.texts[0].generated_text);  // {..} per text, not [{..}]
  CHECK(nlohmann::json::parse(gen(text).to_json())[0]["generated_text"] == r.texts[0].generated_text);
}

TEST_CASE("generation pipelines: wrong models and options are refused", "[pipelines][generation]") {
  const std::string llama = fixture_dir("llama_lm").string();
  CHECK_THROWS_AS(pipeline("text-generation", fixture_dir("bert_mlm").string()), Error);
  CHECK_THROWS_AS(pipeline("text2text-generation", llama), Error);
  CHECK_THROWS_AS(pipeline("text-generation", fixture_dir("t5_s2s").string()), Error);
  PipelineOptions o;
  o.generation.max_new_tokens = 4;
  CHECK_THROWS_AS(pipeline("text-classification", fixture_dir("distilbert_sst2").string(), o), Error);
  PipelineOptions s;
  s.stop_strings = {"x"};
  CHECK_THROWS_AS(pipeline("fill-mask", fixture_dir("bert_mlm").string(), s), Error);
  PipelineOptions f;
  f.return_full_text = false;
  CHECK_THROWS_AS(pipeline("text2text-generation", fixture_dir("t5_s2s").string(), f), Error);
  try {
    pipeline("text-generation", fixture_dir("distilbert_sst2").string());
    FAIL("a sequence classifier ran text-generation");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::unsupported);
    CHECK(std::string(e.what()).find("causal") != std::string::npos);
  }
}
