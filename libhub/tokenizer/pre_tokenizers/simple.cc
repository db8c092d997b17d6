// Punctuation, Digits, CharDelimiterSplit and FixedLength: the char-predicate pre-tokenizers (§6.5).
#include "tokenizer/pattern_json.h"
#include "tokenizer/pre_tokenizers/pre_tokenizers.h"

namespace hub::tokenizer::pre_tokenizers {
namespace {

class FixedLength final : public PreTokenizer {
 public:
  explicit FixedLength(std::size_t length) : length_(length) {}
  void pre_tokenize(PreTokenizedString& s) const override {
    s.split([&](std::size_t, NormalizedString&& n) {
      std::vector<NormalizedString> out;
      const std::string& t = n.get();
      std::size_t start = 0, count = 0;
      for (std::size_t i = 0; i < t.size();) {
        unicode::next_char(t, i);
        if (++count == length_) {
          out.push_back(n.slice({start, i}));
          start = i;
          count = 0;
        }
      }
      if (start < t.size()) out.push_back(n.slice({start, t.size()}));
      return out;
    });
  }

 private:
  std::size_t length_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_punctuation(const JsonView& j) {
  auto b = j.opt("behavior");
  return std::make_unique<PatternSplit>(Pattern::predicate(is_bert_punctuation),
                                        b ? behavior_from_json(*b) : SplitBehavior::isolated);
}

std::unique_ptr<PreTokenizer> make_digits(const JsonView& j) {
  bool individual = j.boolean("individual_digits");
  return std::make_unique<PatternSplit>(Pattern::predicate(unicode::is_numeric),
                                        individual ? SplitBehavior::isolated : SplitBehavior::contiguous);
}

std::unique_ptr<PreTokenizer> make_char_delimiter_split(const JsonView& j) {
  char32_t d = j.at("delimiter").as_char();
  return std::make_unique<PatternSplit>(Pattern::predicate([d](char32_t c) { return c == d; }), SplitBehavior::removed);
}

std::unique_ptr<PreTokenizer> make_fixed_length(const JsonView& j) {
  auto l = j.opt("length");
  std::size_t length = l ? l->as_u64() : 5;
  if (length == 0) j.at("length").fail("length must be positive");
  return std::make_unique<FixedLength>(length);
}

}  // namespace hub::tokenizer::pre_tokenizers
