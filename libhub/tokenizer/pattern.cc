#include "tokenizer/pattern.h"

#include <oniguruma.h>

#include <cstdio>
#include <mutex>

#include "hub/error.h"
#include "tokenizer/unicode_tables.h"

namespace hub::tokenizer {
namespace {

void init_onig() {
  static std::once_flag once;
  std::call_once(once, [] {
    OnigEncoding encs[] = {ONIG_ENCODING_UTF8};
    onig_initialize(encs, 1);
  });
}

struct RegionDeleter {
  void operator()(OnigRegion* r) const noexcept { onig_region_free(r, 1); }
};

// Category set of a \p{..} name: one-letter or two-letter general categories; 0 = not one.
std::uint32_t category_mask(std::string name) {
  std::string n;
  for (char c : name)
    if (c != '_' && c != ' ' && c != '-') n.push_back(c);
  std::uint32_t mask = 0;
  for (std::size_t k = 0; k < unicode::kCategoryCount; ++k) {
    std::string_view cat = unicode::kCategoryNames[k];
    bool hit = n.size() == 1 ? (n[0] == cat[0] || n[0] == cat[0] + 32)
                             : n.size() == 2 && (n[0] == cat[0] || n[0] == cat[0] + 32) &&
                                   (n[1] == cat[1] || n[1] == cat[1] - 32);
    if (hit) mask |= 1u << k;
  }
  return mask;
}

// Class body (no brackets) of the code points whose category is in `mask` (or not, when
// negated), surrogates left out.
std::string class_ranges(std::uint32_t mask, bool negate) {
  std::string out;
  char buf[40];
  auto emit = [&](std::uint32_t a, std::uint32_t b) {
    // Split around the surrogates, which Oniguruma rejects in UTF-8 classes.
    if (a <= 0xDFFF && b >= 0xD800) {
      if (a < 0xD800) std::snprintf(buf, sizeof buf, "\\x{%X}-\\x{%X}", a, 0xD7FFu), out += buf;
      if (b > 0xDFFF) std::snprintf(buf, sizeof buf, "\\x{%X}-\\x{%X}", 0xE000u, b), out += buf;
      return;
    }
    std::snprintf(buf, sizeof buf, "\\x{%X}-\\x{%X}", a, b);
    out += buf;
  };
  bool open = false;
  std::uint32_t start = 0;
  for (std::size_t i = 0; i < unicode::kCategoryRunCount; ++i) {
    bool in = ((mask >> unicode::kCategoryRuns[i].category) & 1u) != negate;
    std::uint32_t first = unicode::kCategoryRuns[i].first;
    if (in && !open) {
      open = true;
      start = first;
    } else if (!in && open) {
      open = false;
      emit(start, first - 1);
    }
  }
  if (open) emit(start, 0x10FFFF);
  return out;
}

// Rewrites \p{X} / \P{X} / \p{^X} for general categories into explicit code point classes,
// so the classes follow the Unicode version of the reference (the table) rather than the one
// of the system's libonig. Everything else is left to Oniguruma.
std::string pin_unicode_properties(std::string_view p) {
  std::string out;
  out.reserve(p.size());
  int depth = 0;  // bracket nesting
  for (std::size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char n = p[i + 1];
      if ((n == 'p' || n == 'P') && i + 2 < p.size() && p[i + 2] == '{') {
        std::size_t close = p.find('}', i + 3);
        if (close != std::string_view::npos) {
          std::string name(p.substr(i + 3, close - i - 3));
          bool negate = n == 'P';
          if (!name.empty() && name[0] == '^') {
            negate = !negate;
            name.erase(0, 1);
          }
          if (std::uint32_t mask = category_mask(name)) {
            std::string body = class_ranges(mask, negate);
            out += depth > 0 ? body : "[" + body + "]";
            i = close;
            continue;
          }
        }
      }
      out.push_back(c);
      out.push_back(n);
      ++i;
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

}  // namespace

Regex::Regex(std::string_view source, const std::string& where) {
  init_onig();
  OnigRegex re = nullptr;
  OnigErrorInfo einfo{};
  std::string pattern = pin_unicode_properties(source);
  auto* p = reinterpret_cast<const OnigUChar*>(pattern.data());
  int r = onig_new(&re, p, p + pattern.size(), ONIG_OPTION_NONE, ONIG_ENCODING_UTF8, ONIG_SYNTAX_DEFAULT, &einfo);
  if (r != ONIG_NORMAL) {
    OnigUChar msg[ONIG_MAX_ERROR_MESSAGE_LEN];
    onig_error_code_to_str(msg, r, &einfo);
    throw Error(Errc::invalid_input, where + ": invalid regex: " + reinterpret_cast<const char*>(msg));
  }
  re_ = re;
}

Regex::~Regex() {
  if (re_) onig_free(static_cast<OnigRegex>(re_));
}

std::vector<Offsets> Regex::find_all(std::string_view text) const {
  std::vector<Offsets> out;
  std::unique_ptr<OnigRegion, RegionDeleter> region(onig_region_new());
  auto* str = reinterpret_cast<const OnigUChar*>(text.data());
  auto* end = str + text.size();
  std::size_t last_end = 0;
  bool have_last = false;
  std::size_t last_match_end = 0;
  while (last_end <= text.size()) {
    onig_region_clear(region.get());
    int r = onig_search(static_cast<OnigRegex>(re_), str, end, str + last_end, end, region.get(), ONIG_OPTION_NONE);
    if (r == ONIG_MISMATCH) break;
    if (r < 0) throw Error(Errc::internal, "tokenizer: regex search failed (error " + std::to_string(r) + ")");
    auto s = static_cast<std::size_t>(region->beg[0]);
    auto e = static_cast<std::size_t>(region->end[0]);
    if (s == e && have_last && last_match_end == e) {
      // An empty match right after the previous one: step one char and search again.
      last_end += last_end < text.size() ? unicode::utf8_len_from_lead(static_cast<unsigned char>(text[last_end])) : 1;
      continue;
    }
    last_end = e;
    last_match_end = e;
    have_last = true;
    out.emplace_back(s, e);
  }
  return out;
}

Pattern Pattern::regex(std::shared_ptr<const Regex> re) {
  Pattern p;
  p.kind_ = Kind::regex;
  p.re_ = std::move(re);
  return p;
}

Pattern Pattern::literal(std::string s) {
  if (s.empty()) return regex(std::make_shared<const Regex>("", "pattern"));
  Pattern p;
  p.kind_ = Kind::literal;
  p.literal_ = std::move(s);
  return p;
}

Pattern Pattern::predicate(std::function<bool(char32_t)> f) {
  Pattern p;
  p.kind_ = Kind::predicate;
  p.pred_ = std::move(f);
  return p;
}

Pattern Pattern::matcher(std::function<std::vector<Offsets>(std::string_view)> f) {
  Pattern p;
  p.kind_ = Kind::matcher;
  p.matcher_ = std::move(f);
  return p;
}

Pattern Pattern::inverted() const {
  Pattern p = *this;
  p.invert_ = !p.invert_;
  return p;
}

Segments Pattern::find_matches(std::string_view text) const {
  Segments out;
  if (text.empty()) {
    out.push_back({{0, 0}, invert_});
    return out;
  }
  if (kind_ == Kind::predicate) {
    std::size_t last_offset = 0;
    for (std::size_t i = 0; i < text.size();) {
      std::size_t b = i;
      char32_t c = unicode::next_char(text, i);
      if (pred_(c)) {
        if (last_offset < b) out.push_back({{last_offset, b}, false});
        out.push_back({{b, i}, true});
        last_offset = i;
      }
    }
    if (text.size() > last_offset) out.push_back({{last_offset, text.size()}, false});
  } else {
    std::vector<Offsets> matches;
    if (kind_ == Kind::regex) {
      matches = re_->find_all(text);
    } else if (kind_ == Kind::matcher) {
      matches = matcher_(text);
    } else {
      for (std::size_t pos = text.find(literal_); pos != std::string_view::npos;
           pos = text.find(literal_, pos + literal_.size()))
        matches.emplace_back(pos, pos + literal_.size());
    }
    std::size_t prev = 0;
    for (const auto& [s, e] : matches) {
      if (prev != s) out.push_back({{prev, s}, false});
      out.push_back({{s, e}, true});
      prev = e;
    }
    if (prev != text.size()) out.push_back({{prev, text.size()}, false});
  }
  if (invert_)
    for (auto& seg : out) seg.second = !seg.second;
  return out;
}

std::string regex_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\.+*?()|[]{}^$#&-~").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace hub::tokenizer
