// token-classification post-processing: golden logits of bert_ner through the pipeline's
// "simple" aggregation must give the reference entities; the other strategies are checked
// against a word grouping computed independently (Encoding::word_ids) in double precision.
#include <catch2/catch.hpp>
#include <cmath>

#include "golden.h"

using namespace hub;
using namespace hub::pipelines;
using hub::pipelines::test::close;
using hub::pipelines::test::Golden;

namespace {

std::vector<double> softmax(const float* row, std::size_t n) {
  double max = row[0], sum = 0;
  for (std::size_t i = 1; i < n; ++i) max = std::max(max, double(row[i]));
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) sum += (out[i] = std::exp(double(row[i]) - max));
  for (auto& v : out) v /= sum;
  return out;
}

std::size_t argmax(const std::vector<double>& v) { return std::max_element(v.begin(), v.end()) - v.begin(); }

}  // namespace

TEST_CASE("token-classification reproduces the golden pipeline (aggregation simple)", "[pipelines]") {
  const Golden g = Golden::load("bert_ner");
  REQUIRE(g.json["pipeline"]["kwargs"]["aggregation_strategy"] == "simple");
  const Tokenizer tok = g.tokenizer();
  const TokenWords words = g.words(tok);
  CHECK(words.continuing_subword_prefix);
  CHECK(words.unk_id == tok.token_to_id("[UNK]"));
  const auto labels = g.labels();
  for (std::size_t i = 0; i < g.cases(); ++i) {
    INFO("case " << i << ": " << g.text(i));
    REQUIRE(g.json["pipeline"]["inputs"][i] == g.text(i));
    const Encoding enc = tok.encode(g.text(i));
    REQUIRE(enc.ids == g.json["cases"][i]["input_ids"].get<std::vector<std::uint32_t>>());
    const auto out =
        classify_tokens(g.logits(i), labels.size(), enc, g.text(i), labels, words, AggregationStrategy::simple);
    const auto& want = g.outputs()[i];
    REQUIRE(out.size() == want.size());
    for (std::size_t j = 0; j < out.size(); ++j) {
      INFO("entity " << j);
      CHECK(out[j].entity == want[j]["entity_group"]);
      CHECK(out[j].word == want[j]["word"]);
      CHECK(out[j].start == want[j]["start"]);
      CHECK(out[j].end == want[j]["end"]);
      CHECK(!out[j].index);
      CHECK(close(out[j].score, want[j]["score"].get<double>()));
    }
  }
}

TEST_CASE("token-classification aggregation none: one entity per non-O token", "[pipelines]") {
  const Golden g = Golden::load("bert_ner");
  const Tokenizer tok = g.tokenizer();
  const auto labels = g.labels();
  for (std::size_t i = 0; i < g.cases(); ++i) {
    const Encoding enc = tok.encode(g.text(i));
    const auto logits = g.logits(i);
    const auto out =
        classify_tokens(logits, labels.size(), enc, g.text(i), labels, g.words(tok), AggregationStrategy::none);
    std::size_t k = 0;
    for (std::size_t t = 0; t < enc.size(); ++t) {
      if (enc.special_tokens_mask[t]) continue;
      const auto p = softmax(&logits[t * labels.size()], labels.size());
      const std::size_t best = argmax(p);
      if (labels[best] == "O") continue;
      INFO("case " << i << " token " << t);
      REQUIRE(k < out.size());
      CHECK(out[k].index == t);
      CHECK(out[k].entity == labels[best]);
      CHECK(close(out[k].score, p[best]));
      CHECK(out[k].start == enc.offsets[t].first);
      CHECK(out[k].end == enc.offsets[t].second);
      if (enc.ids[t] == *tok.token_to_id("[UNK]"))  // unknown tokens show the text they stand for
        CHECK(out[k].word.size() > 0);
      else
        CHECK(out[k].word == enc.tokens[t]);
      ++k;
    }
    CHECK(k == out.size());
  }
}

TEST_CASE("token-classification aggregation first/average/max agree with hand-computed words", "[pipelines]") {
  const Golden g = Golden::load("bert_ner");
  const Tokenizer tok = g.tokenizer();
  const auto labels = g.labels();
  const std::size_t n = labels.size();
  for (auto strategy : {AggregationStrategy::first, AggregationStrategy::average, AggregationStrategy::max}) {
    for (std::size_t i = 0; i < g.cases(); ++i) {
      INFO(to_string(strategy) << " case " << i);
      const Encoding enc = tok.encode(g.text(i));
      const auto logits = g.logits(i);
      // Words from the tokenizer's word ids (WordPiece: the pieces of one pre-token).
      struct Word {
        std::string label;
        double score;
        std::size_t start, end;
      };
      std::vector<Word> words;
      for (std::size_t t = 0; t < enc.size();) {
        if (enc.special_tokens_mask[t]) {
          ++t;
          continue;
        }
        std::size_t e = t + 1;
        while (e < enc.size() && !enc.special_tokens_mask[e] && enc.word_ids[e] == enc.word_ids[t]) ++e;
        std::vector<double> s;
        if (strategy == AggregationStrategy::first) {
          s = softmax(&logits[t * n], n);
        } else if (strategy == AggregationStrategy::max) {
          double best = -1;
          for (std::size_t u = t; u < e; ++u) {
            auto p = softmax(&logits[u * n], n);
            if (p[argmax(p)] > best) best = p[argmax(p)], s = p;
          }
        } else {
          s.assign(n, 0.0);
          for (std::size_t u = t; u < e; ++u) {
            auto p = softmax(&logits[u * n], n);
            for (std::size_t c = 0; c < n; ++c) s[c] += p[c] / double(e - t);
          }
        }
        words.push_back({labels[argmax(s)], s[argmax(s)], enc.offsets[t].first, enc.offsets[e - 1].second});
        t = e;
      }
      // Group words: same tag, and the later one is not B-.
      std::vector<Word> groups;
      std::vector<Word> cur;
      auto tag = [](const std::string& l) { return l.size() > 2 && l[1] == '-' ? l.substr(2) : l; };
      auto flush = [&] {
        double sum = 0;
        for (auto& w : cur) sum += w.score;
        groups.push_back({tag(cur[0].label), sum / double(cur.size()), cur.front().start, cur.back().end});
      };
      for (auto& w : words) {
        if (!cur.empty() && !(tag(w.label) == tag(cur.back().label) && !w.label.starts_with("B-"))) {
          flush();
          cur.clear();
        }
        cur.push_back(w);
      }
      if (!cur.empty()) flush();
      std::erase_if(groups, [](const Word& w) { return w.label == "O"; });

      const auto out = classify_tokens(logits, n, enc, g.text(i), labels, g.words(tok), strategy);
      REQUIRE(out.size() == groups.size());
      for (std::size_t j = 0; j < out.size(); ++j) {
        CHECK(out[j].entity == groups[j].label);
        CHECK(out[j].start == groups[j].start);
        CHECK(out[j].end == groups[j].end);
        CHECK(close(out[j].score, groups[j].score, 1e-5));
      }
    }
  }
}

TEST_CASE("token-classification words come from the decoder; ignore_labels", "[pipelines]") {
  const Golden g = Golden::load("bert_ner");
  const Tokenizer tok = g.tokenizer();
  const TokenWords words = g.words(tok);
  CHECK(words.tokens_to_string({"pack", "##age", "delivery", "!"}) == "package delivery!");
  CHECK(words.tokens_to_string({"##ard", "b"}) == "##ard b");
  const auto labels = g.labels();
  const Encoding enc = tok.encode(g.text(2));
  // Nothing ignored: every token is in some entity, so the groups cover the text.
  const auto all =
      classify_tokens(g.logits(2), labels.size(), enc, g.text(2), labels, words, AggregationStrategy::simple, {});
  const auto default_ignored =
      classify_tokens(g.logits(2), labels.size(), enc, g.text(2), labels, words, AggregationStrategy::simple);
  CHECK(all.size() > default_ignored.size());
  CHECK(std::any_of(all.begin(), all.end(), [](const Entity& e) { return e.entity == "O"; }));
  CHECK(all.front().start == 0);
  CHECK_THROWS_AS(
      classify_tokens(g.logits(2), labels.size() + 1, enc, g.text(2), labels, words, AggregationStrategy::simple),
      hub::Error);
}

TEST_CASE("token-classification on a BPE without sub-word prefix uses the space heuristic", "[pipelines]") {
  const Golden g = Golden::load("roberta_cls");
  const Tokenizer tok = g.tokenizer();
  const TokenWords words = g.words(tok);
  CHECK_FALSE(words.continuing_subword_prefix);
  const Encoding enc = tok.encode("Hello world");
  // Two labels that always pick label 1 for every token: "first" makes one entity per word,
  // and both words merge into one group (I- tag, same type).
  std::vector<float> logits(enc.size() * 2);
  for (std::size_t t = 0; t < enc.size(); ++t) logits[2 * t + 1] = 1.0f;
  const auto out = classify_tokens(logits, 2, enc, "Hello world", {"O", "I-X"}, words, AggregationStrategy::first);
  REQUIRE(out.size() == 1);
  CHECK(out[0].entity == "X");
  CHECK(out[0].start == 0);
  CHECK(out[0].end == 11);
  CHECK(out[0].word == "Hello world");
}
