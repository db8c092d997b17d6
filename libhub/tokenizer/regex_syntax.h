// Rewrites of tokenizer.json regexes (internal). tokenizer.json patterns are written for
// Oniguruma (what HF tokenizers runs them on). libhub runs them on PCRE2's JIT where the regex
// means exactly the same thing there, and on Oniguruma otherwise; both engines see character
// classes pinned to the reference's Unicode tables (unicode_tables.h), not to the Unicode version
// of whichever library is installed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hub::tokenizer::regex_syntax {

// `pattern` with \p{..}/\P{..} (general categories), \s, \S, \d and \D replaced by explicit code
// point classes from the reference's tables; everything else is left to Oniguruma.
std::string pin_for_oniguruma(std::string_view pattern);

// How PCRE2 can express a general category in the translation.
enum class Properties {
  // PCRE2's own \p{..} (an O(1) table lookup), corrected by the kCategoryDelta ranges: only when
  // the linked PCRE2's Unicode version is kCategoryDeltaUnicodeVersion.
  native_with_delta,
  // Explicit code point ranges (always right; a long class is slower in PCRE2's JIT).
  explicit_ranges,
};

// The same regex in PCRE2 syntax, to compile with PCRE2_UTF | PCRE2_NO_AUTO_CAPTURE, newline LF
// and no other option, giving the same matches as Oniguruma (Ruby syntax, the onig crate's
// defaults) on valid UTF-8; nullopt when the pattern uses anything whose meaning differs
// between the engines or that the translation does not cover (anchors, \w, \b, backreferences,
// named groups, POSIX brackets, class intersections, case-insensitive scopes beyond ASCII
// literals, ...). A nullopt is not an error: the caller uses Oniguruma.
std::optional<std::string> to_pcre2(std::string_view pattern, Properties properties);

}  // namespace hub::tokenizer::regex_syntax
