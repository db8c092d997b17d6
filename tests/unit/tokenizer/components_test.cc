// Components built alone from small JSON fragments.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hub/error.h"
#include "tokenizer/decoder.h"
#include "tokenizer/json.h"
#include "tokenizer/model.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/pre_tokenizer.h"

using namespace hub::tokenizer;
using nlohmann::json;

namespace {

std::string normalize(const json& j, const std::string& text) {
  auto n = make_normalizer(JsonView(j, "normalizer"));
  NormalizedString s(text);
  n->normalize(s);
  return s.get();
}

std::vector<std::string> pre_tokenize(const json& j, const std::string& text) {
  auto p = make_pre_tokenizer(JsonView(j, "pre_tokenizer"));
  PreTokenizedString s{NormalizedString(text)};
  p->pre_tokenize(s);
  std::vector<std::string> out;
  for (const auto& split : s.splits()) out.push_back(split.normalized.get());
  return out;
}

std::vector<std::string> tokenize(const json& j, const std::string& word) {
  auto m = make_model(JsonView(j, "model"));
  std::vector<Token> toks;
  m->tokenize(word, toks);
  std::vector<std::string> out;
  for (const auto& t : toks) out.push_back(t.value);
  return out;
}

std::vector<std::string> decode(const json& j, std::vector<std::string> tokens) {
  make_decoder(JsonView(j, "decoder"))->decode_chain(tokens);
  return tokens;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("BertNormalizer cleans, pads CJK, strips accents and lowercases", "[tokenizer]") {
  json bert = {{"type", "BertNormalizer"},
               {"clean_text", true},
               {"handle_chinese_chars", true},
               {"strip_accents", nullptr},
               {"lowercase", true}};
  CHECK(normalize(bert, "\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x9F\xCE\xA3") ==
        "\xCF\x83\xCE\xBF\xCF\x86\xCE\xBF\xCF\x83");  // ΣΟΦΟΣ -> σοφοσ
  CHECK(normalize(bert, "\xC4\xB0stanbul") == "istanbul");
  CHECK(normalize(bert, "zero\xE2\x80\x8Bwidth") == "zerowidth");
  CHECK(normalize(bert,
                  "a\xE4\xB8\xAD"
                  "b\tc") == "a \xE4\xB8\xAD b c");
  CHECK(normalize(bert, "Caf\xC3\xA9") == "cafe");
}

TEST_CASE("simple normalizers", "[tokenizer]") {
  CHECK(normalize({{"type", "Strip"}, {"strip_left", true}, {"strip_right", false}}, "  a  ") == "a  ");
  CHECK(normalize({{"type", "NFKC"}}, "\xEF\xAC\x81") == "fi");
  CHECK(normalize({{"type", "Replace"}, {"pattern", {{"Regex", " {2,}"}}}, {"content", " "}}, "a   b") == "a b");
  CHECK(normalize({{"type", "Prepend"}, {"prepend", "_"}}, "ab") == "_ab");
  CHECK(normalize({{"type", "Sequence"}, {"normalizers", json::array()}}, "Ab") == "Ab");
  CHECK(normalize({{"type", "Nmt"}},
                  "a\x01"
                  "b\xE2\x80\x8B"
                  "c") == "ab c");
  CHECK(make_normalizer(JsonView(json{{"type", "Precompiled"}, {"precompiled_charsmap", nullptr}}, "n")) == nullptr);
}

TEST_CASE("pre-tokenizers", "[tokenizer]") {
  json bl = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}};
  CHECK(pre_tokenize(bl, "Hello world!") == V{"Hello", "\xC4\xA0world", "!"});  // Ġworld
  json meta = {{"type", "Metaspace"}, {"replacement", "\xE2\x96\x81"}, {"prepend_scheme", "always"}, {"split", true}};
  CHECK(pre_tokenize(meta, "a  b") == V{"\xE2\x96\x81"
                                        "a",
                                        "\xE2\x96\x81",
                                        "\xE2\x96\x81"
                                        "b"});
  CHECK(pre_tokenize({{"type", "Whitespace"}}, "it's 3.5!") == V{"it", "'", "s", "3", ".", "5", "!"});
  CHECK(pre_tokenize({{"type", "Digits"}, {"individual_digits", false}}, "a123b4") == V{"a", "123", "b", "4"});
  CHECK(pre_tokenize({{"type", "BertPreTokenizer"}}, "a+b, c") == V{"a", "+", "b", ",", "c"});
  CHECK(pre_tokenize({{"type", "Punctuation"}, {"behavior", "Contiguous"}}, "a..b") == V{"a", "..", "b"});
  CHECK(pre_tokenize({{"type", "FixedLength"}, {"length", 2}}, "abcde") == V{"ab", "cd", "e"});
  // UnicodeScripts (expected pieces from tokenizers@0.23.2): kana join Han, leading spaces and
  // all-space pieces are dropped, a space stays with the piece before it.
  const json us = {{"type", "UnicodeScripts"}};
  CHECK(pre_tokenize(us, " ab") == V{"ab"});
  CHECK(pre_tokenize(us, "   ").empty());
  CHECK(pre_tokenize(us, "Hello world123!") == V{"Hello world", "123!"});
  CHECK(pre_tokenize(us,
                     "abc\xF0\x9F\x98\x80"
                     "def") == V{"abc", "\xF0\x9F\x98\x80", "def"});  // abc😀def
  // 日本語テキストとEnglish 混合 text 2024年
  CHECK(pre_tokenize(us,
                     "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x83\x86\xE3\x82\xAD\xE3\x82\xB9\xE3\x83\x88"
                     "\xE3\x81\xA8"
                     "English \xE6\xB7\xB7\xE5\x90\x88 text 2024\xE5\xB9\xB4") ==
        V{"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x83\x86\xE3\x82\xAD\xE3\x82\xB9\xE3\x83\x88\xE3\x81\xA8",
          "English ", "\xE6\xB7\xB7\xE5\x90\x88 ", "text ", "2024", "\xE5\xB9\xB4"});
  CHECK(pre_tokenize(us,
                     "a\xCC\x81"
                     "b") == V{"a", "\xCC\x81", "b"});  // Inherited is its own script
  // Legacy add_prefix_space false without prepend_scheme never fails to load, as in tokenizers.
  json bad = {{"type", "Metaspace"}, {"replacement", "_"}, {"add_prefix_space", false}};
  CHECK_THROWS_AS(make_pre_tokenizer(JsonView(bad, "pre_tokenizer")), hub::Error);
}

TEST_CASE("BPE merges, both merges layouts, unk and byte fallback", "[tokenizer]") {
  json vocab = {{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}, {"abc", 4}, {"<unk>", 5}, {"<0x7A>", 6}};
  json strings = {{"type", "BPE"}, {"vocab", vocab}, {"merges", {"a b", "ab c"}}};
  json pairs = {
      {"type", "BPE"}, {"vocab", vocab}, {"merges", json::array({json::array({"a", "b"}), json::array({"ab", "c"})})}};
  CHECK(tokenize(strings, "abcab") == V{"abc", "ab"});
  CHECK(tokenize(pairs, "abcab") == V{"abc", "ab"});
  CHECK(tokenize(strings, "xa") == V{"a"});  // no unk token: unknown chars are dropped
  json unk = strings;
  unk["unk_token"] = "<unk>";
  unk["fuse_unk"] = true;
  CHECK(tokenize(unk, "xya") == V{"<unk>", "a"});
  unk["byte_fallback"] = true;
  CHECK(tokenize(unk, "za") == V{"<0x7A>", "a"});
  json bad = strings;
  bad["merges"] = {"a b", "a q"};
  try {
    make_model(JsonView(bad, "model"));
    FAIL("expected an error");
  } catch (const hub::Error& e) {
    CHECK(e.code() == hub::Errc::invalid_input);
    CHECK(std::string(e.what()).find("model.merges[1]") != std::string::npos);
  }
}

TEST_CASE("WordPiece and Unigram", "[tokenizer]") {
  json wp = {{"type", "WordPiece"},
             {"vocab", {{"[UNK]", 0}, {"un", 1}, {"##aff", 2}, {"##able", 3}}},
             {"unk_token", "[UNK]"},
             {"continuing_subword_prefix", "##"},
             {"max_input_chars_per_word", 100}};
  CHECK(tokenize(wp, "unaffable") == V{"un", "##aff", "##able"});
  CHECK(tokenize(wp, "unaffablex") == V{"[UNK]"});
  // Words much longer than any token: candidates start at the longest token's length, cut back to
  // a character boundary (é is two bytes), and the greedy longest match is unchanged.
  json wp_short = {{"type", "WordPiece"},
                   {"vocab", {{"[UNK]", 0}, {"ab", 1}, {"##a", 2}, {"##b", 3}, {"\xC3\xA9", 4}, {"##\xC3\xA9", 5}}},
                   {"unk_token", "[UNK]"},
                   {"continuing_subword_prefix", "##"},
                   {"max_input_chars_per_word", 100}};
  CHECK(tokenize(wp_short, "ababab") == V{"ab", "##a", "##b", "##a", "##b"});
  CHECK(tokenize(wp_short,
                 "\xC3\xA9\xC3\xA9"
                 "ab") == V{"\xC3\xA9", "##\xC3\xA9", "##a", "##b"});
  CHECK(tokenize(wp_short, "abx") == V{"[UNK]"});
  json uni = {{"type", "Unigram"},
              {"unk_id", 0},
              {"vocab", json::array({json::array({"<unk>", 0.0}), json::array({"a", -1.0}), json::array({"b", -1.0}),
                                     json::array({"ab", -1.5})})}};
  CHECK(tokenize(uni, "abab") == V{"ab", "ab"});
  CHECK(tokenize(uni, "xyab") == V{"xy", "ab"});  // fused unknown run keeps its own text
}

TEST_CASE("decoders", "[tokenizer]") {
  CHECK(decode({{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}},
               {"Hello", "\xC4\xA0world"}) == V{"Hello world"});
  CHECK(
      decode({{"type", "ByteFallback"}}, {"a", "<0xE2>", "<0x82>", "<0xAC>", "<0xFF>", "b"}) ==
      V{"a", "\xEF\xBF\xBD", "\xEF\xBF\xBD", "\xEF\xBF\xBD", "\xEF\xBF\xBD", "b"});  // invalid run: one U+FFFD per byte
  CHECK(decode({{"type", "ByteFallback"}}, {"<0xE2>", "<0x82>", "<0xAC>", "b"}) == V{"\xE2\x82\xAC", "b"});
  CHECK(decode({{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", true}}, {"hello", "##s", "!", "do", "n't"}) ==
        V{"hello", "s", "!", " do", "n't"});
  CHECK(decode({{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}, {" a", "  b"}) == V{"a", " b"});
  json meta = {{"type", "Metaspace"}, {"replacement", "\xE2\x96\x81"}, {"prepend_scheme", "always"}, {"split", true}};
  CHECK(decode(meta, {"\xE2\x96\x81"
                      "a",
                      "\xE2\x96\x81"
                      "b"}) == V{"a", " b"});
  CHECK(decode({{"type", "CTC"}, {"pad_token", "<pad>"}, {"word_delimiter_token", "|"}, {"cleanup", true}},
               {"h", "h", "<pad>", "i", "|", "x"}) == V{"h", "i", " ", "x"});
  CHECK(decode({{"type", "BPEDecoder"}, {"suffix", "</w>"}}, {"a</w>", "b</w>"}) == V{"a ", "b"});
}

TEST_CASE("floats are converted like serde_json's default parser", "[tokenizer]") {
  // serde_json's fast path: 20122928619384766 / 1e16, one ULP from the correctly rounded value.
  CHECK(serde_json_float("-2.0122928619384766") == -2.012292861938477);
  CHECK(serde_json_float("-5.129043102264404") == -5.129043102264404);
  CHECK(serde_json_float("1e3") == 1000.0);
}
