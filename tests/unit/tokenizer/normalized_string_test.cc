// NormalizedString, patterns and split behaviours (tokenizer-json.md §3.1, §4).
#include "tokenizer/normalized_string.h"

#include <catch2/catch.hpp>

#include "hub/error.h"
#include "tokenizer/pattern.h"
#include "tokenizer/unicode.h"

using hub::tokenizer::NormalizedString;
using hub::tokenizer::Offsets;
using hub::tokenizer::Pattern;
using hub::tokenizer::Regex;
using hub::tokenizer::SplitBehavior;

namespace {

std::vector<std::string> pieces(const std::vector<NormalizedString>& v) {
  std::vector<std::string> out;
  for (const auto& n : v)
    if (!n.empty()) out.push_back(n.get());
  return out;
}

}  // namespace

TEST_CASE("split behaviours on the-final--countdown-", "[tokenizer]") {
  NormalizedString s("the-final--countdown-");
  Pattern dash = Pattern::literal("-");
  using V = std::vector<std::string>;
  CHECK(pieces(s.split(dash, SplitBehavior::removed)) == V{"the", "final", "countdown"});
  CHECK(pieces(s.split(dash, SplitBehavior::isolated)) == V{"the", "-", "final", "-", "-", "countdown", "-"});
  CHECK(pieces(s.split(dash, SplitBehavior::merged_with_previous)) == V{"the-", "final-", "-", "countdown-"});
  CHECK(pieces(s.split(dash, SplitBehavior::merged_with_next)) == V{"the", "-final", "-", "-countdown", "-"});
  CHECK(pieces(s.split(dash, SplitBehavior::contiguous)) == V{"the", "-", "final", "--", "countdown", "-"});
  // Inverted + Removed keeps the matches only.
  CHECK(pieces(s.split(dash.inverted(), SplitBehavior::removed)) == V{"-", "-", "-", "-"});
}

TEST_CASE("slices keep the original range and shift", "[tokenizer]") {
  NormalizedString s("héllo world");
  auto parts = s.split(Pattern::predicate(hub::tokenizer::unicode::is_whitespace), SplitBehavior::removed);
  REQUIRE(parts.size() == 2);
  CHECK(parts[1].get() == "world");
  CHECK(parts[1].original_shift() == 7);  // bytes: é is two
  CHECK(parts[1].to_original({0, 5}) == Offsets{0, 5});
}

TEST_CASE("prepend, replace and lowercase keep alignments to the original", "[tokenizer]") {
  NormalizedString s("a b");
  s.replace(Pattern::literal(" "), "\xE2\x96\x81");  // U+2581
  s.prepend("\xE2\x96\x81");
  CHECK(s.get() ==
        "\xE2\x96\x81"
        "a"
        "\xE2\x96\x81"
        "b");
  // The prepended char aligns to the first original char, the replacement to the space.
  CHECK(s.to_original({0, 3}) == Offsets{0, 1});
  CHECK(s.to_original({4, 7}) == Offsets{1, 2});
  CHECK(s.to_original({7, 8}) == Offsets{2, 3});
  // Empty ranges come back unchanged, in normalized coordinates (quirk).
  CHECK(s.to_original({5, 5}) == Offsets{5, 5});

  NormalizedString t("\xC4\xB0x");  // İx -> i + U+0307 + x
  t.lowercase();
  CHECK(t.get() == "i\xCC\x87x");
  CHECK(t.to_original({0, 3}) == Offsets{0, 2});
  CHECK(t.to_original({3, 4}) == Offsets{2, 3});
}

TEST_CASE("filter and NFD/NFC track removed and inserted chars", "[tokenizer]") {
  NormalizedString s("e\xCC\x81t\xC3\xA9");  // e + U+0301, t, é
  s.normalize(hub::tokenizer::unicode::Form::nfc);
  CHECK(s.get() == "\xC3\xA9t\xC3\xA9");
  CHECK(s.to_original({0, 2}) == Offsets{0, 1});  // the composite keeps the alignment of its first char
  s.normalize(hub::tokenizer::unicode::Form::nfd);
  s.filter([](char32_t c) { return !hub::tokenizer::unicode::is_combining_mark(c); });
  CHECK(s.get() == "ete");
  CHECK(s.to_original({2, 3}) == Offsets{4, 6});
}

TEST_CASE("regex matches skip an empty match right after the previous one", "[tokenizer]") {
  Regex re("a*", "test");
  auto m = re.find_all("baaac");
  // (0,0) empty, (1,4) "aaa", then (5,5) at the end; the empty match at 4 follows a match.
  CHECK(m == std::vector<Offsets>{{0, 0}, {1, 4}, {5, 5}});
  CHECK_THROWS_AS(Regex("(", "x"), hub::Error);
}

TEST_CASE("\\p{..} classes follow the reference Unicode tables", "[tokenizer]") {
  // U+1F77B (an alchemical symbol, assigned after the system libonig's Unicode version).
  Regex re("\\p{S}+|[^\\p{L}\\s]", "test");
  CHECK(re.find_all("a\xF0\x9F\x9D\xBB") == std::vector<Offsets>{{1, 5}});
  CHECK(Regex("\\P{L}", "t").find_all("ab1") == std::vector<Offsets>{{2, 3}});
}

TEST_CASE("UTF-8 repair follows from_utf8_lossy", "[tokenizer]") {
  using hub::tokenizer::unicode::utf8_lossy;
  CHECK(utf8_lossy("a\xF0\x9F\x98") == "a\xEF\xBF\xBD");                        // truncated 4-byte char: one U+FFFD
  CHECK(utf8_lossy("\xC0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD");                  // invalid lead bytes: one each
  CHECK(utf8_lossy("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  CHECK(utf8_lossy("ok\xE2\x82") == "ok\xEF\xBF\xBD");
}
