// BertPreTokenizer: split on White_Space (removed), then isolate punctuation (§6.5).
#include "tokenizer/pre_tokenizers/pre_tokenizers.h"

namespace hub::tokenizer::pre_tokenizers {
namespace {

class Bert final : public PreTokenizer {
 public:
  void pre_tokenize(PreTokenizedString& s) const override {
    static const Pattern ws = Pattern::predicate(unicode::is_whitespace);
    static const Pattern punct = Pattern::predicate(is_bert_punctuation);
    s.split([&](std::size_t, NormalizedString&& n) { return n.split(ws, SplitBehavior::removed); });
    s.split([&](std::size_t, NormalizedString&& n) { return n.split(punct, SplitBehavior::isolated); });
  }
};

}  // namespace

std::unique_ptr<PreTokenizer> make_bert(const JsonView&) { return std::make_unique<Bert>(); }

}  // namespace hub::tokenizer::pre_tokenizers
