// Fuzz target for the regex translation (tokenizer/regex_syntax.h), differential: an input is a
// pattern, a NUL byte and a text. A pattern Oniguruma rejects must raise hub::Error and nothing
// else; for one it accepts, PCRE2 (with PCRE2's own categories corrected by the delta, and with
// explicit ranges) must find exactly the matches Oniguruma finds, on the text and on fixed texts
// full of whitespace kinds, case-fold traps and scripts. Anything else is a bug.
//
// Built like tokenizer_fuzz (tests/fuzz/CMakeLists.txt): regex_replay over the seed corpus in
// every build, and with libFuzzer, ASan and UBSan under -DHUB_FUZZ=ON.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "hub/error.h"
#include "tokenizer/pattern.h"
#include "tokenizer/unicode.h"

namespace {

using hub::tokenizer::Regex;

void require(bool ok) {
  if (!ok) std::abort();
}

// Texts every pattern is also tried on: ASCII words and contractions, every kind of whitespace,
// ſ/K/İ/ß/ﬁ (case folding), marks, CJK, emoji, digits of other scripts, a code point unassigned
// in PCRE2's Unicode but a letter in the reference's (U+11F04).
constexpr std::string_view kTexts[] = {
    "Hello, World! It's 2026; we'LL see.\n\n  \tx  ",
    "\xC5\xBF \xE2\x84\xAA \xC4\xB0 \xC3\x9F \xEF\xAC\x81 '\xC5\xBF 'S 'Ll\r\n\xC2\x85\xE2\x80\xA8\xE3\x80\x80|",
    "e\xCC\x81t\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87\xE3\x81\x82 \xF0\x9F\x98\x80\xE2\x80\x8D\xF0\x9F\x91\x8D "
    "\xD9\xA1\xD9\xA2 "
    "\xF0\x91\xBC\x84 a1_b-2",
    "",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t nul = input.find('\0');
  // Patterns and texts reach the regex as valid UTF-8 (tokenizer.json is JSON; encode repairs
  // its input first), so the fuzzer's bytes are repaired the same way.
  std::string pattern = hub::tokenizer::unicode::utf8_lossy(input.substr(0, nul));
  std::string text = nul == std::string_view::npos ? "" : hub::tokenizer::unicode::utf8_lossy(input.substr(nul + 1));
  if (pattern.size() > 1024) return 0;
  std::unique_ptr<Regex> onig;
  try {
    onig = std::make_unique<Regex>(pattern, "fuzz", Regex::Choice::oniguruma_only);
  } catch (const hub::Error&) {
    return 0;  // not a valid pattern: rejected cleanly
  }
  Regex best(pattern, "fuzz");
  // (The two may differ in engine: explicit ranges can make a class too large for PCRE2, which
  // then leaves the pattern on Oniguruma.)
  Regex ranges(pattern, "fuzz", Regex::Choice::pcre2_explicit_ranges);
  auto compare = [&](std::string_view t) {
    std::vector<hub::tokenizer::Offsets> expected;
    try {
      expected = onig->find_all(t);
    } catch (const hub::Error&) {
      return;  // Oniguruma's backtracking limit: nothing to compare
    }
    require(best.find_all(t) == expected);
    require(ranges.find_all(t) == expected);
  };
  compare(text);
  for (std::string_view t : kTexts) compare(t);
  return 0;
}
