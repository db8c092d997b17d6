#include "tokenizer/unicode.h"

#include <utf8proc.h>

#include <algorithm>

#include "tokenizer/unicode_tables.h"

namespace hub::tokenizer::unicode {

char32_t next_char(std::string_view s, std::size_t& i) noexcept {
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    ++i;
    return b;
  }
  std::size_t n = utf8_len_from_lead(b);
  char32_t c = n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (std::size_t k = 1; k < n && i + k < s.size(); ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += n;
  return c;
}

std::size_t utf8_len(char32_t c) noexcept { return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string to_utf8(char32_t c) {
  std::string s;
  append_utf8(s, c);
  return s;
}

std::size_t count_chars(std::string_view s) noexcept {
  std::size_t n = 0;
  for (char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

std::u32string to_u32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) out.push_back(next_char(s, i));
  return out;
}

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 with `bad` = number of bytes forming the
// maximal invalid subpart (at least 1), following the Unicode "maximal subpart" practice that
// Rust's from_utf8_lossy implements.
std::size_t valid_seq(std::string_view s, std::size_t i, std::size_t& bad) noexcept {
  auto at = [&](std::size_t k) -> int { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : -1; };
  int b = at(0);
  if (b < 0x80) return 1;
  int need;
  int lo = 0x80, hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    need = 1;
  } else if (b >= 0xE0 && b <= 0xEF) {
    need = 2;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    need = 3;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    bad = 1;
    return 0;
  }
  for (int k = 1; k <= need; ++k) {
    int c = at(static_cast<std::size_t>(k));
    bool ok = k == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xBF);
    if (!ok) {
      bad = static_cast<std::size_t>(k);
      return 0;
    }
  }
  return static_cast<std::size_t>(need + 1);
}

}  // namespace

std::string utf8_lossy(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    std::size_t bad = 0;
    std::size_t n = valid_seq(bytes, i, bad);
    if (n) {
      out.append(bytes.substr(i, n));
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");
      i += bad;
    }
  }
  return out;
}

bool is_valid_utf8(std::string_view bytes) noexcept {
  for (std::size_t i = 0; i < bytes.size();) {
    std::size_t bad = 0;
    std::size_t n = valid_seq(bytes, i, bad);
    if (!n) return false;
    i += n;
  }
  return true;
}

bool is_whitespace(char32_t c) noexcept {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
  switch (c) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000: return true;
    default: return c >= 0x2000 && c <= 0x200A;
  }
}

std::uint8_t category(char32_t c) noexcept {
  // Last run starting at or before c.
  std::size_t lo = 0, hi = kCategoryRunCount;
  while (hi - lo > 1) {
    std::size_t mid = (lo + hi) / 2;
    if (kCategoryRuns[mid].first <= c)
      lo = mid;
    else
      hi = mid;
  }
  return kCategoryRuns[lo].category;
}

std::uint8_t pre_tokenizer_script(char32_t c) noexcept {
  std::size_t lo = 0, hi = kScriptRunCount;
  while (hi - lo > 1) {
    std::size_t mid = (lo + hi) / 2;
    if (kScriptRuns[mid].first <= c)
      lo = mid;
    else
      hi = mid;
  }
  return kScriptRuns[lo].script;
}

bool is_word_char(char32_t c) noexcept {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  return kWordCharSet.contains(c);
}

bool is_numeric(char32_t c) noexcept {
  if (c < 0x80) return c >= '0' && c <= '9';
  return kNumericSet.contains(c);
}

bool is_bert_punctuation(char32_t c) noexcept { return kBertPunctuationSet.contains(c); }
bool is_bert_control(char32_t c) noexcept { return kBertControlSet.contains(c); }
bool is_bert_nonspacing_mark(char32_t c) noexcept { return kBertNonspacingMarkSet.contains(c); }
bool is_combining_mark(char32_t c) noexcept { return kMarkSet.contains(c); }

void to_lowercase(char32_t c, std::u32string& out) {
  if (c < 0x80) {
    out.push_back(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return;
  }
  const LowercaseEntry* end = kLowercase + kLowercaseCount;
  const LowercaseEntry* it =
      std::lower_bound(kLowercase, end, c, [](const LowercaseEntry& e, char32_t v) { return e.code_point < v; });
  if (it == end || it->code_point != c) {
    out.push_back(c);
    return;
  }
  std::string_view l(it->lower);
  for (std::size_t i = 0; i < l.size();) out.push_back(next_char(l, i));
}

namespace {

int ccc(char32_t c) noexcept { return utf8proc_get_property(static_cast<utf8proc_int32_t>(c))->combining_class; }

// Decompositions added after Unicode 9.0, which the tokenizers crate's tables do not know.
bool decomposes_after_unicode9(char32_t c) noexcept {
  return (c >= 0xA7F2 && c <= 0xA7F4) || c == 0xAB69 || c == 0x32FF || (c >= 0x10781 && c <= 0x107BA) || c == 0x11938 ||
         (c >= 0x1E030 && c <= 0x1E06D) || c == 0x1F16C || (c >= 0x1FBF0 && c <= 0x1FBF9);
}

void decompose(char32_t c, bool compat, std::vector<char32_t>& out) {
  if (c < 0xA0 || decomposes_after_unicode9(c)) {
    out.push_back(c);
    return;
  }
  utf8proc_int32_t buf[32];
  int boundclass = 0;
  auto opts = static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | (compat ? UTF8PROC_COMPAT : 0));
  utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(c), buf, 32, opts, &boundclass);
  if (n <= 0 || n > 32) {
    out.push_back(c);
    return;
  }
  for (utf8proc_ssize_t k = 0; k < n; ++k) out.push_back(static_cast<char32_t>(buf[k]));
}

// Primary composite of (a, b), or 0.
char32_t compose(char32_t a, char32_t b) noexcept {
  if (b < 0x300) return 0;  // every second element of a canonical pair is >= U+0300
  utf8proc_int32_t buf[2] = {static_cast<utf8proc_int32_t>(a), static_cast<utf8proc_int32_t>(b)};
  utf8proc_ssize_t n = utf8proc_normalize_utf32(buf, 2, UTF8PROC_COMPOSE);
  if (n != 1 || buf[0] == 0x11938) return 0;
  // utf8proc's pairwise composition does not apply the composition exclusions.
  if (utf8proc_get_property(buf[0])->comp_exclusion) return 0;
  return static_cast<char32_t>(buf[0]);
}

struct Item {
  int ccc;
  char32_t ch;
  int change;
};

// Canonical decomposition with reordering (stable sort of marks between starters), emitting
// (char, change): 0 for the first char of each input char's decomposition, +1 for the others.
void decompose_all(std::string_view s, bool compat, Changes& out) {
  std::vector<Item> pending;
  std::vector<char32_t> d;
  auto flush = [&] {
    std::stable_sort(pending.begin(), pending.end(), [](const Item& x, const Item& y) { return x.ccc < y.ccc; });
    for (const auto& it : pending) out.emplace_back(it.ch, it.change);
    pending.clear();
  };
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = next_char(s, i);
    d.clear();
    decompose(c, compat, d);
    for (std::size_t k = 0; k < d.size(); ++k) {
      int cl = ccc(d[k]);
      if (cl == 0) flush();
      pending.push_back({cl, d[k], k == 0 ? 0 : 1});
    }
  }
  flush();
}

// The recomposition iterator of unicode-normalization(-alignments), change values included: a
// starter absorbing a mark gets change (starter + mark - 1).
void recompose(const Changes& in, Changes& out) {
  bool have_composee = false;
  std::pair<char32_t, int> composee{};
  int last_ccc = -1;  // -1: none
  std::vector<std::pair<char32_t, int>> buffer;
  auto purge = [&] {
    for (const auto& b : buffer) out.push_back(b);
    buffer.clear();
  };
  for (const auto& [ch, change] : in) {
    int cl = ccc(ch);
    if (!have_composee) {
      if (cl != 0) {
        out.emplace_back(ch, change);
        continue;
      }
      composee = {ch, change};
      have_composee = true;
      continue;
    }
    if (last_ccc < 0) {
      if (char32_t r = compose(composee.first, ch)) {
        composee = {r, composee.second + change - 1};
        continue;
      }
      if (cl == 0) {
        out.push_back(composee);
        composee = {ch, change};
        continue;
      }
      buffer.emplace_back(ch, change);
      last_ccc = cl;
      continue;
    }
    if (last_ccc >= cl) {
      if (cl == 0) {
        out.push_back(composee);
        purge();
        composee = {ch, change};
        last_ccc = -1;
        continue;
      }
      buffer.emplace_back(ch, change);
      last_ccc = cl;
      continue;
    }
    if (char32_t r = compose(composee.first, ch)) {
      composee = {r, composee.second + change - 1};
      continue;
    }
    buffer.emplace_back(ch, change);
    last_ccc = cl;
  }
  if (have_composee) out.push_back(composee);
  purge();
}

}  // namespace

bool normalize(std::string_view s, Form form, Changes& out) {
  out.clear();
  bool ascii = std::all_of(s.begin(), s.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
  if (ascii) return false;
  bool compat = form == Form::nfkd || form == Form::nfkc;
  if (form == Form::nfd || form == Form::nfkd) {
    decompose_all(s, compat, out);
  } else {
    Changes d;
    decompose_all(s, compat, d);
    recompose(d, out);
  }
  return true;
}

std::vector<std::size_t> grapheme_boundaries(std::string_view s) {
  std::vector<std::size_t> b;
  utf8proc_int32_t state = 0;
  char32_t prev = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t at = i;
    char32_t c = next_char(s, i);
    if (at == 0 ||
        utf8proc_grapheme_break_stateful(static_cast<utf8proc_int32_t>(prev), static_cast<utf8proc_int32_t>(c), &state))
      b.push_back(at);
    prev = c;
  }
  b.push_back(s.size());
  return b;
}

}  // namespace hub::tokenizer::unicode
