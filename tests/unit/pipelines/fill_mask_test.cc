// fill-mask post-processing: the golden candidates' sequence and token_str strings, and the
// top-k probabilities on golden MLM logits with a mask placed by hand.
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

#include "golden.h"

using namespace hub;
using namespace hub::pipelines;
using hub::pipelines::test::close;
using hub::pipelines::test::Golden;

namespace {

DecodeFn decoder(const Tokenizer& tok) {
  return [&tok](const std::vector<std::uint32_t>& ids, bool skip) { return tok.decode(ids, skip); };
}

}  // namespace

TEST_CASE("fill-mask candidates reproduce the golden sequences and token strings", "[pipelines]") {
  const Golden g = Golden::load("bert_mlm");
  REQUIRE(g.json["pipeline"]["task"] == "fill-mask");
  const Tokenizer tok = g.tokenizer();
  const std::uint32_t mask = *tok.token_to_id("[MASK]");
  const auto pad = tok.token_to_id("[PAD]");
  const auto& inputs = g.json["pipeline"]["inputs"];
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Encoding enc = tok.encode(inputs[i].get<std::string>());
    const auto pos = std::find(enc.ids.begin(), enc.ids.end(), mask) - enc.ids.begin();
    REQUIRE(pos < static_cast<std::ptrdiff_t>(enc.size()));
    for (const auto& want : g.outputs()[i]) {
      INFO(want.dump());
      const auto c =
          fill_mask_candidate(enc.ids, pos, want["token"], want["score"].get<float>(), pad, true, decoder(tok));
      CHECK(c.sequence == want["sequence"]);
      CHECK(c.token_str == want["token_str"]);
      CHECK(c.token == want["token"]);
    }
  }
}

TEST_CASE("fill-mask top_k on golden logits", "[pipelines]") {
  const Golden g = Golden::load("bert_mlm");
  const Tokenizer tok = g.tokenizer();
  const std::uint32_t mask = *tok.token_to_id("[MASK]");
  std::vector<std::size_t> shape;
  const auto logits = g.floats("case0.logits", &shape);
  const std::size_t vocab = shape[1];
  auto ids = g.json["cases"][0]["input_ids"].get<std::vector<std::uint32_t>>();
  ids[4] = mask;

  // Reference: softmax of row 4 in double precision, ids ordered by probability.
  std::vector<double> p(vocab);
  double max = *std::max_element(&logits[4 * vocab], &logits[5 * vocab]), sum = 0;
  for (std::size_t v = 0; v < vocab; ++v) sum += (p[v] = std::exp(double(logits[4 * vocab + v]) - max));
  for (auto& x : p) x /= sum;
  std::vector<std::uint32_t> order(vocab);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return p[a] > p[b]; });

  const auto out = fill_mask(logits, vocab, ids, mask, tok.token_to_id("[PAD]"), 5, decoder(tok));
  REQUIRE(out.size() == 1);
  REQUIRE(out[0].size() == 5);
  for (std::size_t j = 0; j < 5; ++j) {
    CHECK(out[0][j].token == order[j]);
    CHECK(close(out[0][j].score, p[order[j]]));
    auto filled = ids;
    filled[4] = order[j];
    CHECK(out[0][j].sequence == tok.decode(filled, true));
  }
  CHECK(fill_mask(logits, vocab, ids, mask, std::nullopt, 2, decoder(tok))[0].size() == 2);

  // Two masks: a list per mask, and the sequences keep the other mask (and the specials).
  ids[7] = mask;
  const auto two = fill_mask(logits, vocab, ids, mask, std::nullopt, 3, decoder(tok));
  REQUIRE(two.size() == 2);
  CHECK(two[0][0].token == order[0]);
  CHECK(two[0][0].sequence.find("[MASK]") != std::string::npos);
  CHECK(two[0][0].sequence.find("[CLS]") != std::string::npos);

  // No mask: transformers raises.
  auto plain = g.json["cases"][0]["input_ids"].get<std::vector<std::uint32_t>>();
  CHECK_THROWS_AS(fill_mask(logits, vocab, plain, mask, std::nullopt, 5, decoder(tok)), hub::Error);
}
