// Regexes on two engines (tokenizer/regex_syntax.h): PCRE2's JIT must find exactly what
// Oniguruma finds for every pattern it takes, and categories must follow the reference tables on
// both, for every code point.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "tokenizer/pattern.h"
#include "tokenizer/regex_syntax.h"
#include "tokenizer/unicode.h"
#include "tokenizer/unicode_tables.h"

using hub::tokenizer::Offsets;
using hub::tokenizer::Regex;
namespace unicode = hub::tokenizer::unicode;

namespace {

// Pre-tokenizer patterns of real tokenizer.json files (GPT-2's ByteLevel, Llama 3, Qwen, GPT-4o,
// DeepSeek-style, BLOOM-style and simpler Split/Replace patterns).
const std::vector<std::string> kRealPatterns = {
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)",
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| "
    "?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
    R"(<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+)",
    R"(\p{N}{1,3})",
    " {2,}",
    "[0-9][0-9][0-9]",
    "[\xE4\xB8\x80-\xE9\xBE\xA5\\u3040-\xE3\x82\x9F\xE3\x82\xA0-\xE3\x83\xBF]+",  // [一-龥\u3040-ゟ゠-ヿ]+
    R"(\s+)",
};

// Constructs the translation takes: quantifier flavours, lookaround, atomic groups, escapes,
// negated sets inside and outside classes, case-insensitive ASCII.
const std::vector<std::string> kConstructs = {
    R"(\p{L}*+\p{L})",
    R"(\s++\S)",
    R"(x?+x)",
    R"(\p{L}+?)",
    R"(\s*?\n)",
    R"((?<=\s)\p{L}+)",
    R"((?<!a)b)",
    R"(\x{41}\u0042|\x41)",
    R"(\v|\t+|\f|\a|\e)",
    R"([\x{3000}\x{85}]+)",
    R"(.+)",
    R"(.)",
    R"(a|)",
    R"((\p{L})(\p{N}))",
    R"([^\S\n]+)",
    R"([\D]+)",
    R"(\S+)",
    R"(\D+)",
    R"(\P{L}+)",
    R"([\P{N}x]+)",
    R"((?i:ab|CD))",
    R"((?i:'s|k))",
    R"(\p{^L}+)",
    R"([\p{Mn}\p{Mc}]+)",
    R"(\p{Lu}\p{Ll}*)",
    R"(\p{Cn}+)",
    R"(\p{C}+)",
    R"(a{,2})",
    R"([a\-z]+)",
    R"(\A\p{L}|\p{N}\z)",
    R"(\p{Zs}\p{Zl}?\p{Zp}?)",
};

// Constructs whose meaning differs between the engines or that the translation leaves alone:
// they stay on Oniguruma.
const std::vector<std::string> kOnigurumaOnly = {
    R"(\w+)",
    R"(\bfoo)",
    R"(^\s+)",
    R"(\s+$)",
    R"(\h+)",
    R"(a{2}+)",
    R"(a{1,2}?)",
    R"([[:alpha:]]+)",
    R"((?m).+)",
    R"(\p{Han}+)",
    R"([a-z&&[^aeiou]]+)",
    R"((?<n>a)\k<n>)",
    R"((a)\1)",
    R"((?i:st|ss))",
    R"((?i:f(?:i)))",
    R"((?i)ab)",
    R"((?i:\p{L}))",
    R"([\s-x])",
    R"(\xFF)",
    R"(a]|b})",
    R"((?>a*|)a)",
    R"((?>\p{L}+)\p{L})",
    R"((?i:(?:s)t))",
    R"((?#[)x\s)",
};

// Characters the random texts are drawn from: ASCII, every whitespace kind, case-fold traps
// (ſ, K, İ, ß, ﬁ, ﬆ), marks, CJK, emoji, and code points whose category changed after PCRE2's
// Unicode (U+0897 and U+11F04 are unassigned in Unicode 14).
const std::vector<char32_t> kPool = {
    'a',    'b',      'd',    'e',     'f',     'i',    'k',     'l',    'm',    'r',     's',     't',
    'v',    'x',      'z',    'A',     'D',     'K',    'L',     'S',    'T',    '0',     '1',     '7',
    '\'',   '\'',     ' ',    ' ',     ' ',     '\t',   '\n',    '\r',   0x0B,   0x0C,    '.',     ',',
    '!',    '/',      '-',    '_',     '<',     '|',    '>',     0x85,   0xA0,   0x2028,  0x2029,  0x3000,
    0x202F, 0x17F,    0x212A, 0x130,   0xDF,    0xFB01, 0xFB06,  0xE9,   0x301,  0x308,   0x4E2D,  0x6587,
    0x3042, 0x30A2,   0x30FC, 0x1F600, 0x1F44D, 0x200D, 0xFE0F,  0x661,  0x0897, 0x11F04, 0x11F50, 0x1B4E,
    0xFFFD, 0x10FFFF, 0xE000, 0x24B6,  0x2160,  0xB2,   0x1D7CE, 0x0E01, 0x0E31, 0x094D,  0x0915,  0x05D0,
};

std::string random_text(std::mt19937& rng) {
  std::string out;
  std::size_t length = std::uniform_int_distribution<std::size_t>(0, 24)(rng);
  for (std::size_t i = 0; i < length; ++i) {
    if (rng() % 8 == 0) {  // any code point at all, now and then
      char32_t c = static_cast<char32_t>(rng() % 0x110000);
      if (c >= 0xD800 && c <= 0xDFFF) c = 0x41;
      unicode::append_utf8(out, c);
    } else {
      unicode::append_utf8(out, kPool[rng() % kPool.size()]);
    }
  }
  return out;
}

// Compares a pattern on the engines over random texts; returns the first text they disagree on.
std::optional<std::string> disagreement(const std::string& pattern, std::mt19937& rng, int texts) {
  Regex onig(pattern, "test", Regex::Choice::oniguruma_only);
  Regex best(pattern, "test");
  Regex ranges(pattern, "test", Regex::Choice::pcre2_explicit_ranges);
  for (int k = 0; k < texts; ++k) {
    std::string text = random_text(rng);
    std::vector<Offsets> expected = onig.find_all(text);
    if (best.find_all(text) != expected || ranges.find_all(text) != expected) return text;
  }
  return std::nullopt;
}

std::string escaped(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    char buf[8];
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
    } else {
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("real tokenizer regexes run on PCRE2 and match Oniguruma", "[tokenizer][regex]") {
  std::mt19937 rng(20261126);
  for (const std::string& pattern : kRealPatterns) {
    INFO("pattern " << escaped(pattern));
    CHECK(Regex(pattern, "test").engine() == Regex::Engine::pcre2);
    std::optional<std::string> text = disagreement(pattern, rng, 3000);
    INFO("text " << escaped(text.value_or("")));
    CHECK_FALSE(text.has_value());
  }
}

TEST_CASE("translated constructs match Oniguruma", "[tokenizer][regex]") {
  std::mt19937 rng(7);
  for (const std::string& pattern : kConstructs) {
    INFO("pattern " << escaped(pattern));
    CHECK(Regex(pattern, "test").engine() == Regex::Engine::pcre2);
    std::optional<std::string> text = disagreement(pattern, rng, 1000);
    INFO("text " << escaped(text.value_or("")));
    CHECK_FALSE(text.has_value());
  }
}

TEST_CASE("constructs that differ between the engines stay on Oniguruma", "[tokenizer][regex]") {
  for (const std::string& pattern : kOnigurumaOnly) {
    INFO("pattern " << escaped(pattern));
    CHECK_FALSE(
        hub::tokenizer::regex_syntax::to_pcre2(pattern, hub::tokenizer::regex_syntax::Properties::explicit_ranges));
    CHECK(Regex(pattern, "test").engine() == Regex::Engine::oniguruma);
  }
}

TEST_CASE("categories follow the reference tables for every code point, on both engines", "[tokenizer][regex]") {
  // One text holding every code point once (surrogates left out), each 4 bytes wide or less.
  std::string all;
  std::vector<std::size_t> start_of;  // byte offset of each code point in `all`
  std::vector<char32_t> chars;
  for (char32_t c = 0; c <= 0x10FFFF; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    start_of.push_back(all.size());
    chars.push_back(c);
    unicode::append_utf8(all, c);
  }
  auto category_is = [](char32_t c, std::initializer_list<const char*> names) {
    std::string_view cat = unicode::kCategoryNames[unicode::category(c)];
    for (std::string_view n : names)
      if (n.size() == 1 ? cat[0] == n[0] : cat == n) return true;
    return false;
  };
  auto is_space = [&](char32_t c) { return (c >= 9 && c <= 13) || c == 0x85 || category_is(c, {"Z"}); };
  struct Case {
    const char* pattern;
    std::function<bool(char32_t)> in;
  };
  const std::vector<Case> cases = {
      {R"(\p{L})", [&](char32_t c) { return category_is(c, {"L"}); }},
      {R"(\p{N})", [&](char32_t c) { return category_is(c, {"N"}); }},
      {R"([\p{Mn}\p{Mc}])",
       [&](char32_t c) {
         return category_is(c, {"Mn", "Mc"});
       }},
      {R"(\p{Lo})", [&](char32_t c) { return category_is(c, {"Lo"}); }},
      {R"([\p{P}\p{S}])",
       [&](char32_t c) {
         return category_is(c, {"P", "S"});
       }},
      {R"(\s)", is_space},
      {R"(\S)", [&](char32_t c) { return !is_space(c); }},
      {R"(\d)", [&](char32_t c) { return category_is(c, {"Nd"}); }},
      {R"([^\s\p{L}\p{N}])",
       [&](char32_t c) {
         return !is_space(c) && !category_is(c, {"L", "N"});
       }},
      {R"(\p{Cn})", [&](char32_t c) { return category_is(c, {"Cn"}); }},
  };
  for (const Case& test : cases) {
    std::vector<Offsets> expected;
    for (std::size_t k = 0; k < chars.size(); ++k)
      if (test.in(chars[k])) expected.emplace_back(start_of[k], k + 1 < chars.size() ? start_of[k + 1] : all.size());
    for (Regex::Choice choice :
         {Regex::Choice::best, Regex::Choice::oniguruma_only, Regex::Choice::pcre2_explicit_ranges}) {
      INFO("pattern " << test.pattern << ", choice " << static_cast<int>(choice));
      Regex re(test.pattern, "test", choice);
      CHECK(re.find_all(all) == expected);
    }
  }
}

TEST_CASE("PCRE2 hands invalid UTF-8 and deep backtracking to Oniguruma", "[tokenizer][regex]") {
  const std::string pattern = R"(\s+(?!\S)|\s+|\p{L}+)";
  Regex best(pattern, "test");
  Regex onig(pattern, "test", Regex::Choice::oniguruma_only);
  REQUIRE(best.engine() == Regex::Engine::pcre2);
  for (std::string text : {std::string("ab \xFF cd"), std::string("\xE4\xB8 x"), std::string(300000, ' ') + "x"})
    CHECK(best.find_all(text) == onig.find_all(text));
}

TEST_CASE("a comment holding '[' does not hide the class escapes after it", "[tokenizer][regex]") {
  // Pinning \s must see that the '[' is inside (?#...), not the start of a class.
  Regex re(R"((?#[)x\s)", "test");
  CHECK(re.find_all("x x\t") == std::vector<Offsets>{{0, 2}, {2, 4}});
}

TEST_CASE("atomic groups stay on Oniguruma (PCRE2 10.42's JIT gets some wrong)", "[tokenizer][regex]") {
  // The JIT finds "a" at [1,2) in "aa"; the group may not fall back to its empty alternative.
  Regex re("(?>a*|)a", "test");
  CHECK(re.engine() == Regex::Engine::oniguruma);
  CHECK(re.find_all("aa").empty());
  CHECK(Regex(R"((?>\s+|\S?)\s)", "test").find_all("  a ") == std::vector<Offsets>{{2, 4}});
}
