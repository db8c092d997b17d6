// Patterns that split or replace text (internal): an Oniguruma regex, a literal string, or a
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

// A compiled Oniguruma regex (UTF-8, Oniguruma's default syntax as in the onig crate). Shared
// read-only between threads: searching allocates its own match region.
class Regex {
 public:
  // Throws hub::Error(Errc::invalid_input) naming `where` when the pattern does not compile.
  Regex(std::string_view pattern, const std::string& where);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Non-overlapping leftmost-first matches, left to right; an empty match right after the
  // previous match is skipped (the onig crate's find_iter).
  std::vector<Offsets> find_all(std::string_view text) const;

 private:
  void* re_ = nullptr;  // regex_t*, kept opaque so onig's header stays in the .cc
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
