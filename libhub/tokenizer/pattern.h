// Patterns that split or replace text (internal): a regex, a literal string, or a
// char predicate, optionally inverted. find_matches covers the text with (range, is_match)
// segments exactly like tokenizers' Pattern trait (tokenizer-json.md §4).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tokenizer/normalized_string.h"

namespace hub::tokenizer {

// A compiled tokenizer.json regex (Oniguruma syntax, as the onig crate reads it). It runs on
// PCRE2's JIT when regex_syntax::to_pcre2 can express it with the same meaning, and on Oniguruma
// otherwise, or when PCRE2 fails on a text (invalid UTF-8, JIT stack exhausted). Shared read-only
// between threads: searches use per-thread match state.
class Regex {
 public:
  enum class Engine { pcre2, oniguruma };
  // Which engines may run it: `best` in the library; the others let tests compare the engines
  // and both ways of writing categories for PCRE2.
  enum class Choice { best, oniguruma_only, pcre2_explicit_ranges };

  // Throws hub::Error(Errc::invalid_input) naming `where` when the pattern does not compile.
  Regex(std::string_view pattern, const std::string& where, Choice choice = Choice::best);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Non-overlapping leftmost-first matches, left to right; an empty match right after the
  // previous match is skipped (the onig crate's find_iter).
  std::vector<Offsets> find_all(std::string_view text) const;

  // The engine find_all tries first.
  Engine engine() const noexcept;

 private:
  struct Oniguruma;
  struct Pcre2;
  std::unique_ptr<Oniguruma> onig_;
  std::unique_ptr<Pcre2> pcre2_;  // null when the pattern stays on Oniguruma
};

using Segments = std::vector<std::pair<Offsets, bool>>;

class Pattern {
 public:
  static Pattern regex(std::shared_ptr<const Regex> re);
  static Pattern literal(std::string s);
  static Pattern predicate(std::function<bool(char32_t)> f);
  // A hand-written matcher returning the match ranges in order (for Rust-regex patterns).
  static Pattern matcher(std::function<std::vector<Offsets>(std::string_view)> f);
  Pattern inverted() const;

  Segments find_matches(std::string_view text) const;

 private:
  enum class Kind { regex, literal, predicate, matcher } kind_ = Kind::literal;
  std::shared_ptr<const Regex> re_;
  std::string literal_;
  std::function<bool(char32_t)> pred_;
  std::function<std::vector<Offsets>(std::string_view)> matcher_;
  bool invert_ = false;
};

// Regex-escapes a literal (what Split/Replace do with {"String": s} patterns).
std::string regex_escape(std::string_view s);

}  // namespace hub::tokenizer
