// Whitespace (keep runs of \w and runs of other non-space chars) and WhitespaceSplit (§6.5).
#include "tokenizer/pre_tokenizers/pre_tokenizers.h"

namespace hub::tokenizer::pre_tokenizers {
namespace {

// Matches of the Rust regex `\w+|[^\w\s]+`.
std::vector<Offsets> word_runs(std::string_view t) {
  std::vector<Offsets> out;
  std::size_t i = 0;
  int run = 0;  // 0 none, 1 word, 2 other
  std::size_t start = 0;
  while (i < t.size()) {
    std::size_t at = i;
    char32_t c = unicode::next_char(t, i);
    int kind = unicode::is_word_char(c) ? 1 : unicode::is_whitespace(c) ? 0 : 2;
    if (kind != run) {
      if (run) out.emplace_back(start, at);
      run = kind;
      start = at;
    }
  }
  if (run) out.emplace_back(start, t.size());
  return out;
}

}  // namespace

std::unique_ptr<PreTokenizer> make_whitespace(const JsonView&) {
  return std::make_unique<PatternSplit>(Pattern::matcher(word_runs).inverted(), SplitBehavior::removed);
}

std::unique_ptr<PreTokenizer> make_whitespace_split(const JsonView&) {
  return std::make_unique<PatternSplit>(Pattern::predicate(unicode::is_whitespace), SplitBehavior::removed);
}

}  // namespace hub::tokenizer::pre_tokenizers
