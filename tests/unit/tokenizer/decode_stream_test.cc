// DecodeStream: streamed pieces concatenate to the full decode, for every decoder family of the
// fixtures (byte fallback, byte-level BPE, WordPiece, Metaspace/Unigram), on the whole corpus.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hub/tokenizer.h"

namespace {

const std::filesystem::path kSource = HUB_SOURCE_DIR;

std::vector<std::string> corpus_texts() {
  std::ifstream in(kSource / "tests/fixtures/tokenizer/corpus.jsonl");
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line).get<std::string>());
  }
  return out;
}

}  // namespace

TEST_CASE("DecodeStream pieces concatenate to the full decode", "[tokenizer][stream]") {
  auto texts = corpus_texts();
  REQUIRE(texts.size() > 10);
  for (const char* repo : {"llama_lm", "gpt2_lm", "bert_mlm", "t5_s2s", "qwen2_lm", "gemma_lm"}) {
    auto tok = hub::Tokenizer::from_file(kSource / "tests/fixtures/repos/libhub" / repo / "tokenizer.json");
    std::size_t pieces = 0;
    for (const auto& text : texts) {
      auto ids = tok.encode(text, true).ids;
      hub::DecodeStream stream(tok, true);
      std::string streamed;
      for (auto id : ids) {
        if (auto piece = stream.step(id)) {
          streamed += *piece;
          ++pieces;
          // Never a partial UTF-8 character.
          CHECK_FALSE(piece->ends_with("\xEF\xBF\xBD"));
        }
      }
      streamed += stream.flush();
      INFO(repo << ": " << text);
      CHECK(streamed == tok.decode(ids, true));
    }
    CHECK(pieces > texts.size());  // text arrives piece by piece, not all at the end
  }
}
