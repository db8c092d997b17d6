// Fuzz target for the tokenizer.json loader and the encode/decode pipeline. Arbitrary bytes are
// loaded as a tokenizer.json; they must either load or raise hub::Error. A loaded tokenizer then
// encodes fixed texts and a text taken from the input itself (single, pair, truncated, batch) and
// decodes the ids; each must succeed or raise hub::Error, and every encoding must be consistent
// (all per-token vectors the same length, ids that map back to tokens). Anything else (a crash,
// a sanitizer report, another exception) is a bug.
//
// Built two ways (tests/fuzz/CMakeLists.txt): with libFuzzer under clang (-DHUB_FUZZ=ON), and
// with replay_main.cc as a plain program that feeds it the seed corpus in every build.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "hub/error.h"
#include "hub/tokenizer.h"

namespace {

// Results land here so the optimizer keeps the decodes.
volatile std::size_t g_sink;

void require(bool ok) {
  if (!ok) std::abort();
}

void check(const hub::Tokenizer& tok, const hub::Encoding& e) {
  const std::size_t n = e.ids.size();
  require(e.tokens.size() == n && e.offsets.size() == n && e.type_ids.size() == n &&
          e.special_tokens_mask.size() == n && e.attention_mask.size() == n && e.word_ids.size() == n);
  for (const auto& o : e.overflowing) check(tok, o);
  g_sink = tok.decode(e.ids, false).size() + tok.decode(e.ids, true, true).size();
}

// Each call may raise hub::Error (e.g. Unigram without unk on an unknown char); nothing else.
template <typename F>
void guarded(F&& f) {
  try {
    f();
  } catch (const hub::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::optional<hub::Tokenizer> tok;
  try {
    tok.emplace(hub::Tokenizer::from_json(input));
  } catch (const hub::Error&) {
    return 0;
  }
  // A text from the input's tail exercises odd bytes (invalid UTF-8, controls) on a loaded file.
  std::string tail(input.substr(input.size() > 48 ? input.size() - 48 : 0));
  const std::vector<std::string> texts = {"Hello world! The quick brown fox.",
                                          "h\xC3\xA9llo  w\xC3\xB6rld \xF0\x9F\x98\x80 \t\n", "", tail};
  for (const auto& t : texts) {
    guarded([&] { check(*tok, tok->encode(t)); });
    guarded([&] { check(*tok, tok->encode(t, hub::EncodeOptions{.add_special_tokens = false})); });
    guarded([&] { check(*tok, tok->encode(t, hub::EncodeOptions{.max_length = 5})); });
    guarded([&] { check(*tok, tok->encode_pair(t, texts[0], hub::EncodeOptions{.max_length = 7})); });
  }
  guarded([&] {
    for (const auto& e : tok->encode_batch(texts, hub::EncodeOptions{})) check(*tok, e);
  });
  // Vocabulary lookups agree with each other for the first ids.
  for (std::uint32_t id = 0; id < 32; ++id)
    if (auto t = tok->id_to_token(id)) require(tok->token_to_id(*t).has_value());
  return 0;
}
