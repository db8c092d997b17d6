#include "tokenizer/pattern.h"

#include <oniguruma.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <mutex>
#include <optional>

#include "hub/error.h"
#include "tokenizer/regex_syntax.h"
#include "tokenizer/unicode.h"
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

// How general categories reach PCRE2: its own tables corrected by the delta when the linked
// library has the Unicode version the delta was generated against, explicit ranges otherwise.
regex_syntax::Properties pcre2_properties() {
  static const regex_syntax::Properties properties = [] {
    char version[64] = {};
    pcre2_config(PCRE2_CONFIG_UNICODE_VERSION, version);
    return std::string_view(version) == unicode::kCategoryDeltaUnicodeVersion
               ? regex_syntax::Properties::native_with_delta
               : regex_syntax::Properties::explicit_ranges;
  }();
  return properties;
}

// Per-thread PCRE2 match state: match data for group 0 and a JIT stack that can grow past the
// 32 KiB PCRE2 uses by default (a long run of whitespace under \s+(?!\S) backtracks deep).
struct Pcre2Scratch {
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  pcre2_match_context* context = pcre2_match_context_create(nullptr);
  pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, nullptr);
  Pcre2Scratch() {
    if (context && stack) pcre2_jit_stack_assign(context, nullptr, stack);
  }
  ~Pcre2Scratch() {
    pcre2_jit_stack_free(stack);
    pcre2_match_context_free(context);
    pcre2_match_data_free(data);
  }
  Pcre2Scratch(const Pcre2Scratch&) = delete;
  Pcre2Scratch& operator=(const Pcre2Scratch&) = delete;
  bool ok() const { return data && context && stack; }
};

// The onig crate's find_iter over any engine's leftmost-first search: `search(from, s, e)`
// finds the first match starting at or after byte `from` (false: none); an empty match right
// after the previous match is skipped by stepping one char.
template <typename Search>
std::vector<Offsets> find_iter(std::string_view text, Search&& search) {
  std::vector<Offsets> out;
  std::size_t last_end = 0;
  bool have_last = false;
  std::size_t last_match_end = 0;
  while (last_end <= text.size()) {
    std::size_t s = 0, e = 0;
    if (!search(last_end, s, e)) break;
    if (s == e && have_last && last_match_end == e) {
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

}  // namespace

struct Regex::Oniguruma {
  OnigRegex re = nullptr;
  ~Oniguruma() {
    if (re) onig_free(re);
  }

  std::vector<Offsets> find_all(std::string_view text) const {
    std::unique_ptr<OnigRegion, RegionDeleter> region(onig_region_new());
    auto* str = reinterpret_cast<const OnigUChar*>(text.data());
    auto* end = str + text.size();
    return find_iter(text, [&](std::size_t from, std::size_t& s, std::size_t& e) {
      onig_region_clear(region.get());
      int r = onig_search(re, str, end, str + from, end, region.get(), ONIG_OPTION_NONE);
      if (r == ONIG_MISMATCH) return false;
      if (r < 0) throw Error(Errc::internal, "tokenizer: regex search failed (error " + std::to_string(r) + ")");
      s = static_cast<std::size_t>(region->beg[0]);
      e = static_cast<std::size_t>(region->end[0]);
      return true;
    });
  }
};

struct Regex::Pcre2 {
  pcre2_code* code = nullptr;
  ~Pcre2() { pcre2_code_free(code); }

  // Compiled and JIT-compiled, or null (the caller stays on Oniguruma).
  static std::unique_ptr<Pcre2> compile(std::string_view source, regex_syntax::Properties properties) {
    std::optional<std::string> pattern = regex_syntax::to_pcre2(source, properties);
    if (!pattern) return nullptr;
    std::unique_ptr<pcre2_compile_context, decltype(&pcre2_compile_context_free)> context(
        pcre2_compile_context_create(nullptr), &pcre2_compile_context_free);
    if (!context) return nullptr;
    pcre2_set_newline(context.get(), PCRE2_NEWLINE_LF);
    auto result = std::make_unique<Pcre2>();
    int error = 0;
    PCRE2_SIZE offset = 0;
    result->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern->data()), pattern->size(),
                                 PCRE2_UTF | PCRE2_NO_AUTO_CAPTURE, &error, &offset, context.get());
    if (!result->code || pcre2_jit_compile(result->code, PCRE2_JIT_COMPLETE) != 0) return nullptr;
    return result;
  }

  // The matches, or nullopt when PCRE2 cannot finish (invalid UTF-8, JIT stack exhausted).
  std::optional<std::vector<Offsets>> find_all(std::string_view text) const {
    thread_local Pcre2Scratch scratch;
    if (!scratch.ok()) return std::nullopt;
    auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    bool checked = false, failed = false;
    std::vector<Offsets> out = find_iter(text, [&](std::size_t from, std::size_t& s, std::size_t& e) {
      // The first search checks the whole subject's UTF-8 once; later ones skip the check.
      int rc = checked ? pcre2_jit_match(code, subject, text.size(), from, 0, scratch.data, scratch.context)
                       : pcre2_match(code, subject, text.size(), from, 0, scratch.data, scratch.context);
      checked = true;
      if (rc == PCRE2_ERROR_NOMATCH) return false;
      if (rc < 0) {
        failed = true;
        return false;
      }
      const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(scratch.data);
      s = ovector[0];
      e = ovector[1];
      return true;
    });
    if (failed) return std::nullopt;
    return out;
  }
};

Regex::Regex(std::string_view source, const std::string& where, Choice choice) {
  init_onig();
  onig_ = std::make_unique<Oniguruma>();
  OnigErrorInfo einfo{};
  std::string pattern = regex_syntax::pin_for_oniguruma(source);
  auto* p = reinterpret_cast<const OnigUChar*>(pattern.data());
  int r =
      onig_new(&onig_->re, p, p + pattern.size(), ONIG_OPTION_NONE, ONIG_ENCODING_UTF8, ONIG_SYNTAX_DEFAULT, &einfo);
  if (r != ONIG_NORMAL) {
    onig_->re = nullptr;
    OnigUChar msg[ONIG_MAX_ERROR_MESSAGE_LEN];
    onig_error_code_to_str(msg, r, &einfo);
    throw Error(Errc::invalid_input, where + ": invalid regex: " + reinterpret_cast<const char*>(msg));
  }
  if (choice == Choice::best) pcre2_ = Pcre2::compile(source, pcre2_properties());
  if (choice == Choice::pcre2_explicit_ranges)
    pcre2_ = Pcre2::compile(source, regex_syntax::Properties::explicit_ranges);
}

Regex::~Regex() = default;

Regex::Engine Regex::engine() const noexcept { return pcre2_ ? Engine::pcre2 : Engine::oniguruma; }

std::vector<Offsets> Regex::find_all(std::string_view text) const {
  if (pcre2_)
    if (std::optional<std::vector<Offsets>> matches = pcre2_->find_all(text)) return std::move(*matches);
  return onig_->find_all(text);
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
