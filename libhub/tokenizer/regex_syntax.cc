#include "tokenizer/regex_syntax.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "tokenizer/unicode_tables.h"

namespace hub::tokenizer::regex_syntax {
namespace {

using unicode::CodeRange;

// A class escape's code points: general categories (bits indexed like kCategoryNames) plus
// explicit ranges (\s's control characters).
struct CharSet {
  std::uint32_t mask = 0;
  std::vector<CodeRange> extra;
};

constexpr std::uint32_t bit(std::size_t category) { return 1u << category; }

// Index of a two-letter category name in kCategoryNames.
std::size_t category_index(std::string_view name) {
  for (std::size_t k = 0; k < unicode::kCategoryCount; ++k)
    if (name == unicode::kCategoryNames[k]) return k;
  return unicode::kCategoryCount;
}

// Category set of a \p{..} name: one-letter or two-letter general categories, matched loosely
// like Oniguruma (case, '_', ' ' and '-' ignored); 0 = not a general category.
std::uint32_t category_mask(std::string_view name) {
  std::string n;
  for (char c : name)
    if (c != '_' && c != ' ' && c != '-') n.push_back(c);
  std::uint32_t mask = 0;
  for (std::size_t k = 0; k < unicode::kCategoryCount; ++k) {
    std::string_view cat = unicode::kCategoryNames[k];
    bool hit = n.size() == 1 ? (n[0] == cat[0] || n[0] == cat[0] + 32)
                             : n.size() == 2 && (n[0] == cat[0] || n[0] == cat[0] + 32) &&
                                   (n[1] == cat[1] || n[1] == cat[1] - 32);
    if (hit) mask |= bit(k);
  }
  return mask;
}

CharSet space_set() {
  // Oniguruma's Unicode \s: U+0009..U+000D, U+0085 and the separators (Zs, Zl, Zp).
  CharSet s;
  s.mask = bit(category_index("Zs")) | bit(category_index("Zl")) | bit(category_index("Zp"));
  s.extra = {{0x09, 0x0D}, {0x85, 0x85}};
  return s;
}

// Sorted, merged ranges of `set` from the reference's tables.
std::vector<CodeRange> ranges_of(const CharSet& set) {
  std::vector<CodeRange> out;
  for (std::size_t i = 0; i < unicode::kCategoryRunCount; ++i) {
    if (!((set.mask >> unicode::kCategoryRuns[i].category) & 1u)) continue;
    std::uint32_t first = unicode::kCategoryRuns[i].first;
    std::uint32_t last = i + 1 < unicode::kCategoryRunCount ? unicode::kCategoryRuns[i + 1].first - 1 : 0x10FFFF;
    out.push_back({first, last});
  }
  out.insert(out.end(), set.extra.begin(), set.extra.end());
  std::sort(out.begin(), out.end(), [](const CodeRange& a, const CodeRange& b) { return a.first < b.first; });
  std::vector<CodeRange> merged;
  for (const CodeRange& r : out) {
    if (!merged.empty() && r.first <= merged.back().last + 1)
      merged.back().last = std::max(merged.back().last, r.last);
    else
      merged.push_back(r);
  }
  return merged;
}

std::vector<CodeRange> complement(const std::vector<CodeRange>& ranges) {
  std::vector<CodeRange> out;
  std::uint32_t next = 0;
  for (const CodeRange& r : ranges) {
    if (r.first > next) out.push_back({next, r.first - 1});
    next = r.last + 1;
  }
  if (next <= 0x10FFFF) out.push_back({next, 0x10FFFF});
  return out;
}

// Class body "\x{A}-\x{B}..." of `ranges`, surrogates left out (neither engine accepts them in
// UTF-8 classes, and valid UTF-8 never holds one).
std::string format_ranges(const std::vector<CodeRange>& ranges) {
  std::string out;
  char buf[40];
  auto emit = [&](std::uint32_t a, std::uint32_t b) {
    std::snprintf(buf, sizeof buf, "\\x{%X}-\\x{%X}", a, b);
    out += buf;
  };
  for (const CodeRange& r : ranges) {
    if (r.first <= 0xDFFF && r.last >= 0xD800) {
      if (r.first < 0xD800) emit(r.first, 0xD7FF);
      if (r.last > 0xDFFF) emit(0xE000, r.last);
    } else {
      emit(r.first, r.last);
    }
  }
  return out;
}

// Class body of `set` in PCRE2's own properties plus the ranges where the reference's tables
// assign a category that PCRE2's Unicode does not (kCategoryDelta); nullopt when the reference
// takes a code point out of a category PCRE2 puts it in (a class cannot subtract).
std::optional<std::string> native_body(const CharSet& set) {
  static constexpr std::string_view kGroups[] = {"L", "M", "N", "P", "S", "Z", "C"};
  std::string out;
  for (std::string_view group : kGroups) {
    std::uint32_t all = category_mask(group);
    if ((set.mask & all) == all) {
      out += "\\p{" + std::string(group) + "}";
      continue;
    }
    for (std::size_t k = 0; k < unicode::kCategoryCount; ++k)
      if ((all & set.mask & bit(k)) != 0) out += "\\p{" + std::string(unicode::kCategoryNames[k]) + "}";
  }
  std::vector<CodeRange> added = set.extra;
  for (std::size_t i = 0; i < unicode::kCategoryDeltaCount; ++i) {
    const unicode::CategoryDelta& d = unicode::kCategoryDelta[i];
    bool in_reference = (set.mask >> d.reference) & 1u;
    bool in_pcre2 = (set.mask >> d.pcre2) & 1u;
    if (in_reference && !in_pcre2) added.push_back({d.first, d.last});
    if (!in_reference && in_pcre2) return std::nullopt;
  }
  return out + format_ranges(added);
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
std::uint32_t hex_value(char c) { return static_cast<std::uint32_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10); }
bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_punct(char c) { return c > 0x20 && c < 0x7F && !is_ascii_letter(c) && !is_ascii_digit(c); }

// A class escape at p[i] == '\\' (\p{..}, \P{..}, \p{^..}, \s, \S, \d, \D): fills `set` and
// `negated` and returns the escape's length; 0 when p[i..] is not one.
std::size_t parse_set_escape(std::string_view p, std::size_t i, CharSet& set, bool& negated) {
  if (i + 1 >= p.size()) return 0;
  char n = p[i + 1];
  if (n == 's' || n == 'S') {
    set = space_set();
    negated = n == 'S';
    return 2;
  }
  if (n == 'd' || n == 'D') {
    set = CharSet{bit(category_index("Nd")), {}};
    negated = n == 'D';
    return 2;
  }
  if ((n == 'p' || n == 'P') && i + 2 < p.size() && p[i + 2] == '{') {
    std::size_t close = p.find('}', i + 3);
    if (close == std::string_view::npos) return 0;
    std::string_view name = p.substr(i + 3, close - i - 3);
    negated = n == 'P';
    if (!name.empty() && name[0] == '^') {
      negated = !negated;
      name.remove_prefix(1);
    }
    std::uint32_t mask = category_mask(name);
    if (mask == 0) return 0;
    set = CharSet{mask, {}};
    return close - i + 1;
  }
  return 0;
}

// Oniguruma's Ruby-syntax regex into PCRE2 syntax, or nullopt (see to_pcre2).
class Pcre2Translator {
 public:
  Pcre2Translator(std::string_view pattern, Properties properties) : p_(pattern), properties_(properties) {}

  std::optional<std::string> run() {
    while (i_ < p_.size())
      if (!step()) return std::nullopt;
    if (scopes_.size() != 1) return std::nullopt;
    return out_;
  }

 private:
  bool caseless() const { return scopes_.back(); }

  bool step() {
    char c = p_[i_];
    if (caseless()) return caseless_step(c);
    switch (c) {
      case '\\': return escape();
      case '[': return char_class();
      case '(': return group_open();
      case ')': return group_close();
      case '{': return interval();
      case '.':
      case '|':
      case '*':
      case '+':
      case '?':
        out_.push_back(c);
        ++i_;
        return true;
      case '^':  // line anchors: PCRE2 and Oniguruma differ around a final newline
      case '$':
      case ']':  // a stray ']' or '}' is a literal in both, but nothing needs it
      case '}': return false;
      default:
        out_.push_back(c);
        ++i_;
        return true;
    }
  }

  // Inside (?i:...) only ASCII literals and alternation: Oniguruma folds case with
  // multi-character folds (ß matches "ss", ﬁ matches "fi") and PCRE2 does not, so letter pairs
  // that such a fold produces are refused, and so are nested groups (a pair could span one).
  bool caseless_step(char c) {
    if (c == '|') {
      last_letter_ = 0;
      out_.push_back(c);
      ++i_;
      return true;
    }
    if (c == ')') return group_close();
    if (c == '(') return false;
    if (c == '\\' && i_ + 1 < p_.size() && is_ascii_punct(p_[i_ + 1])) {
      last_letter_ = 0;
      out_.append(p_.substr(i_, 2));
      i_ += 2;
      return true;
    }
    if (is_ascii_letter(c)) {
      char lower = static_cast<char>(c | 0x20);
      if (last_letter_ == 's' && (lower == 's' || lower == 't')) return false;
      if (last_letter_ == 'f' && (lower == 'f' || lower == 'i' || lower == 'l')) return false;
      last_letter_ = lower;
      out_.push_back(c);
      ++i_;
      return true;
    }
    if ((is_ascii_digit(c) || is_ascii_punct(c) || c == ' ') &&
        std::string_view("\\[]{}.*+?^$").find(c) == std::string_view::npos) {
      last_letter_ = 0;
      out_.push_back(c);
      ++i_;
      return true;
    }
    return false;
  }

  // A set escape (\p, \s, \d and negations) outside a class.
  bool set_outside_class(const CharSet& set, bool negated) {
    if (properties_ == Properties::native_with_delta) {
      if (auto body = native_body(set)) {
        out_ += (negated ? "[^" : "[") + *body + "]";
        return true;
      }
    }
    out_ += (negated ? "[^" : "[") + format_ranges(ranges_of(set)) + "]";
    return true;
  }

  void set_inside_class(const CharSet& set, bool negated) {
    if (negated) {
      out_ += format_ranges(complement(ranges_of(set)));
      return;
    }
    if (properties_ == Properties::native_with_delta) {
      if (auto body = native_body(set)) {
        out_ += *body;
        return;
      }
    }
    out_ += format_ranges(ranges_of(set));
  }

  // A single-character escape at p_[i_] == '\\' into out_ (inside or outside a class); false
  // when it is not one both engines read the same way.
  bool char_escape() {
    if (i_ + 1 >= p_.size()) return false;
    char n = p_[i_ + 1];
    char buf[16];
    auto code_point = [&](std::uint32_t cp, std::size_t length) {
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
      std::snprintf(buf, sizeof buf, "\\x{%X}", cp);
      out_ += buf;
      i_ += length;
      return true;
    };
    switch (n) {
      case 'n':
      case 'r':
      case 't':
      case 'f':
        out_.append(p_.substr(i_, 2));
        i_ += 2;
        return true;
      case 'v':  // Oniguruma: vertical tab; PCRE2: any vertical space
        return code_point(0x0B, 2);
      case 'a': return code_point(0x07, 2);
      case 'e': return code_point(0x1B, 2);
      case 'x': {
        if (i_ + 2 < p_.size() && p_[i_ + 2] == '{') {
          std::size_t close = p_.find('}', i_ + 3);
          if (close == std::string_view::npos || close == i_ + 3 || close - i_ - 3 > 8) return false;
          std::uint32_t cp = 0;
          for (std::size_t k = i_ + 3; k < close; ++k) {
            if (!is_hex(p_[k])) return false;
            cp = cp * 16 + hex_value(p_[k]);
          }
          return code_point(cp, close - i_ + 1);
        }
        // \xHH: up to two hex digits. Oniguruma reads one above 0x7F as a raw byte, not a code point.
        std::size_t k = i_ + 2;
        std::uint32_t cp = 0;
        while (k < p_.size() && k < i_ + 4 && is_hex(p_[k])) cp = cp * 16 + hex_value(p_[k++]);
        if (k == i_ + 2 || cp > 0x7F) return false;
        return code_point(cp, k - i_);
      }
      case 'u': {  // \uHHHH (Ruby syntax)
        if (i_ + 6 > p_.size()) return false;
        std::uint32_t cp = 0;
        for (std::size_t k = i_ + 2; k < i_ + 6; ++k) {
          if (!is_hex(p_[k])) return false;
          cp = cp * 16 + hex_value(p_[k]);
        }
        return code_point(cp, 6);
      }
      default:
        if (!is_ascii_punct(n)) return false;  // letters and digits: classes, anchors, backreferences
        out_.append(p_.substr(i_, 2));
        i_ += 2;
        return true;
    }
  }

  bool escape() {
    CharSet set;
    bool negated = false;
    if (std::size_t length = parse_set_escape(p_, i_, set, negated)) {
      i_ += length;
      return set_outside_class(set, negated);
    }
    if (i_ + 1 < p_.size() && (p_[i_ + 1] == 'A' || p_[i_ + 1] == 'z')) {
      out_.append(p_.substr(i_, 2));
      i_ += 2;
      return true;
    }
    return char_escape();
  }

  bool char_class() {
    out_.push_back('[');
    ++i_;
    if (i_ < p_.size() && p_[i_] == '^') {
      out_.push_back('^');
      ++i_;
    }
    if (i_ < p_.size() && p_[i_] == ']') return false;  // literal ']' or empty class: engines differ
    bool after_set = false;
    while (i_ < p_.size()) {
      char c = p_[i_];
      if (c == ']') {
        out_.push_back(']');
        ++i_;
        return true;
      }
      if (c == '[') return false;  // nested classes and POSIX brackets
      if (c == '&' && i_ + 1 < p_.size() && p_[i_ + 1] == '&') return false;
      if (c == '-') {
        // A range whose end is a class escape ([\s-x], [a-\d]) is an error in one engine and a
        // literal '-' in the other.
        if (after_set) return false;
        if (i_ + 1 < p_.size() && p_[i_ + 1] == '\\') {
          CharSet s;
          bool neg = false;
          if (parse_set_escape(p_, i_ + 1, s, neg)) return false;
        }
        out_.push_back('-');
        ++i_;
        continue;
      }
      after_set = false;
      if (c == '\\') {
        CharSet set;
        bool negated = false;
        if (std::size_t length = parse_set_escape(p_, i_, set, negated)) {
          i_ += length;
          set_inside_class(set, negated);
          after_set = true;
          continue;
        }
        if (!char_escape()) return false;
        continue;
      }
      out_.push_back(c);
      ++i_;
    }
    return false;  // unterminated
  }

  bool group_open() {
    std::string_view rest = p_.substr(i_);
    // Not "(?>": PCRE2 10.42's JIT lets an atomic group at the start of a pattern fall back to an
    // empty alternative after a longer one matched ("(?>a*|)a" finds "a" in "aa"; Oniguruma and
    // PCRE2's interpreter find nothing), so atomic groups stay on Oniguruma.
    static constexpr std::string_view kPlain[] = {"(?:", "(?=", "(?!", "(?<=", "(?<!"};
    for (std::string_view form : kPlain) {
      if (rest.starts_with(form)) {
        out_ += form;
        i_ += form.size();
        scopes_.push_back(caseless());
        last_letter_ = 0;
        return true;
      }
    }
    if (rest.starts_with("(?i:")) {
      out_ += "(?i:";
      i_ += 4;
      scopes_.push_back(true);
      last_letter_ = 0;
      return true;
    }
    // Named groups, options, comments, the absent operator; "(*" opens a verb or a start-of-
    // pattern option in PCRE2.
    if (rest.starts_with("(?") || rest.starts_with("(*")) return false;
    out_.push_back('(');  // capturing in Oniguruma, not with PCRE2_NO_AUTO_CAPTURE: only group 0 is used
    ++i_;
    scopes_.push_back(caseless());
    last_letter_ = 0;
    return true;
  }

  bool group_close() {
    if (scopes_.size() <= 1) return false;
    scopes_.pop_back();
    last_letter_ = 0;
    out_.push_back(')');
    ++i_;
    return true;
  }

  // {n}, {n,}, {n,m}, {,m}. Anything else after '{' is a literal in Oniguruma: refused. A
  // following '+' is possessive in PCRE2 but a second repeat in Ruby syntax, and a following
  // '?' makes {n}? optional rather than lazy in Ruby syntax: both refused.
  bool interval() {
    std::size_t close = p_.find('}', i_);
    if (close == std::string_view::npos) return false;
    std::string_view body = p_.substr(i_ + 1, close - i_ - 1);
    std::size_t comma = body.find(',');
    std::string_view low = body.substr(0, comma);
    std::string_view high = comma == std::string_view::npos ? low : body.substr(comma + 1);
    auto number = [](std::string_view s, long& v) {
      if (s.empty() || s.size() > 5) return false;
      v = 0;
      for (char c : s) {
        if (!is_ascii_digit(c)) return false;
        v = v * 10 + (c - '0');
      }
      return true;
    };
    long lo = 0, hi = -1;
    if (!low.empty() && !number(low, lo)) return false;
    if (!high.empty() && !number(high, hi)) return false;
    if (low.empty() && high.empty()) return false;
    if (hi >= 0 && hi < lo) return false;
    if (lo > 65535 || hi > 65535) return false;
    if (close + 1 < p_.size() && (p_[close + 1] == '+' || p_[close + 1] == '?')) return false;
    out_ += "{" + std::to_string(lo);
    if (comma != std::string_view::npos) out_ += "," + (hi >= 0 ? std::to_string(hi) : std::string());
    out_ += "}";
    i_ = close + 1;
    return true;
  }

  std::string_view p_;
  Properties properties_;
  std::size_t i_ = 0;
  std::string out_;
  std::vector<bool> scopes_{false};  // per open group: case-insensitive?
  char last_letter_ = 0;             // previous ASCII letter in a caseless scope, lowercased
};

}  // namespace

std::string pin_for_oniguruma(std::string_view p) {
  std::string out;
  out.reserve(p.size());
  int depth = 0;  // bracket nesting
  for (std::size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      CharSet set;
      bool negated = false;
      if (std::size_t length = parse_set_escape(p, i, set, negated)) {
        std::vector<CodeRange> ranges = ranges_of(set);
        std::string body = format_ranges(negated ? complement(ranges) : ranges);
        out += depth > 0 ? body : "[" + body + "]";
        i += length - 1;
        continue;
      }
      out.push_back(c);
      out.push_back(p[i + 1]);
      ++i;
      continue;
    }
    if (depth == 0 && p.substr(i).starts_with("(?#")) {
      // A comment runs to the first ')' and may hold anything, '[' included: copied as it is.
      std::size_t close = p.find(')', i);
      std::size_t end = close == std::string_view::npos ? p.size() : close + 1;
      out.append(p.substr(i, end - i));
      i = end - 1;
      continue;
    }
    if (c == '[')
      ++depth;
    else if (c == ']' && depth > 0)
      --depth;
    out.push_back(c);
  }
  return out;
}

std::optional<std::string> to_pcre2(std::string_view pattern, Properties properties) {
  return Pcre2Translator(pattern, properties).run();
}

}  // namespace hub::tokenizer::regex_syntax
