// `hub run` end to end: build/bin/hub on the fixture models, --json output against the reference
// pipeline outputs. Skipped (with a warning) when the CLI has not been built.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>

#include "golden.h"

using hub::pipelines::test::close;
using hub::pipelines::test::fixture_dir;
using hub::pipelines::test::Golden;

namespace {

struct Run {
  int status = -1;
  std::string out;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

Run run_hub(const std::string& args) {
  const std::string cmd = "HF_HUB_OFFLINE=1 " + std::string(HUB_BINARY_DIR) + "/bin/hub " + args + " 2>/dev/null";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool cli_built() { return std::filesystem::exists(std::filesystem::path(HUB_BINARY_DIR) / "bin" / "hub"); }

}  // namespace

TEST_CASE("hub run --json prints what the reference pipeline returns per text", "[pipelines][cli]") {
  if (!cli_built()) {
    WARN("bin/hub not built; skipping the CLI test");
    return;
  }
  const Golden g = Golden::load("bert_ner");
  std::string texts;
  for (const auto& t : g.json["pipeline"]["inputs"]) texts += " " + quote(t.get<std::string>());
  Run r =
      run_hub("run " + fixture_dir("bert_ner").string() + " --task ner --aggregation-strategy simple --json" + texts);
  REQUIRE(r.status == 0);
  const auto got = nlohmann::json::parse(r.out);
  REQUIRE(got.size() == g.outputs().size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    REQUIRE(got[i].size() == g.outputs()[i].size());
    for (std::size_t k = 0; k < got[i].size(); ++k) {
      const auto& want = g.outputs()[i][k];
      CHECK(got[i][k]["entity_group"] == want["entity_group"]);
      CHECK(got[i][k]["word"] == want["word"]);
      CHECK(got[i][k]["start"] == want["start"]);
      CHECK(got[i][k]["end"] == want["end"]);
      CHECK(close(got[i][k]["score"].get<double>(), want["score"].get<double>(), 1e-4));
    }
  }

  // sentiment-analysis without --top-k: [[{label, score}]] for one text.
  const Golden s = Golden::load("distilbert_sst2");
  r = run_hub("run " + fixture_dir("distilbert_sst2").string() + " --task sentiment-analysis --json " +
              quote(s.text(0)));
  REQUIRE(r.status == 0);
  const auto one = nlohmann::json::parse(r.out);
  REQUIRE(one.size() == 1);
  REQUIRE(one[0].size() == 1);
  CHECK(one[0][0]["label"] == s.outputs()[0][0]["label"]);
  r = run_hub("run " + fixture_dir("distilbert_sst2").string() + " --task sentiment-analysis --top-k all " +
              quote(s.text(0)));
  REQUIRE(r.status == 0);
  CHECK(r.out.find("POSITIVE") != std::string::npos);
  CHECK(r.out.find("NEGATIVE") != std::string::npos);

  // Refused: an option the task does not take, an unknown task (usage errors: exit status 2).
  CHECK(run_hub("run " + fixture_dir("bert_ner").string() + " --task ner --top-k 2 x").status == 2);
  CHECK(run_hub("run " + fixture_dir("bert_ner").string() + " --task translate x").status == 2);
}

TEST_CASE("hub run --task text-generation: pipeline JSON and streamed text", "[pipelines][cli][generation]") {
  if (!cli_built()) {
    WARN("bin/hub not built; skipping the CLI test");
    return;
  }
  // gpt2_lm: --json equals what transformers' text-generation pipeline returned (greedy).
  const Golden g = Golden::load("gpt2_lm");
  std::string texts;
  for (const auto& t : g.json["pipeline"]["inputs"]) texts += " " + quote(t.get<std::string>());
  Run r =
      run_hub("run " + fixture_dir("gpt2_lm").string() + " --task text-generation --max-new-tokens 10 --json" + texts);
  REQUIRE(r.status == 0);
  CHECK(nlohmann::json::parse(r.out) == g.outputs());
  // Streaming prints the same text as --json for one prompt, piece by piece.
  const std::string prompt = g.json["pipeline"]["inputs"][0];
  Run streamed = run_hub("run " + fixture_dir("gpt2_lm").string() + " --task text-generation --max-new-tokens 10 " +
                         quote(prompt));
  REQUIRE(streamed.status == 0);
  CHECK(streamed.out == g.outputs()[0][0]["generated_text"].get<std::string>() + "\n");
  // --stop ends generation at the token that completes the stop string (kept, as transformers).
  const std::string full = g.outputs()[0][0]["generated_text"];
  Run stopped = run_hub("run " + fixture_dir("gpt2_lm").string() +
                        " --task text-generation --max-new-tokens 10 --stop software --json " + quote(prompt));
  REQUIRE(stopped.status == 0);
  const std::string text = nlohmann::json::parse(stopped.out)[0][0]["generated_text"];
  CHECK(text == full.substr(0, full.find("software") + 8));
  // An encoder model cannot generate: a clear error and a non-zero exit.
  Run bad = run_hub("run " + fixture_dir("bert_ner").string() + " --task text-generation x");
  CHECK(bad.status != 0);
}
