// BertPreTokenizer: split on White_Space (removed), then isolate punctuation (§6.5).
#include "tokenizer/pre_tokenizers/pre_tokenizers.h"

namespace hub::tokenizer::pre_tokenizers {
namespace {

class Bert final : public PreTokenizer {
 public:
  // One split instead of two: every whitespace or punctuation char becomes a piece of its own
  // and the whitespace pieces are dropped, which leaves the pieces that splitting on whitespace
  // (removed) and then on punctuation (isolated) gives, without the intermediate pieces.
  void pre_tokenize(PreTokenizedString& s) const override {
    static const Pattern ws_or_punct =
        Pattern::predicate([](char32_t c) { return unicode::is_whitespace(c) || is_bert_punctuation(c); });
    s.split([&](std::size_t, NormalizedString&& n) {
      std::vector<NormalizedString> pieces = n.split(ws_or_punct, SplitBehavior::isolated);
      std::erase_if(pieces, [](const NormalizedString& piece) {
        std::size_t i = 0;
        return !piece.empty() && unicode::is_whitespace(unicode::next_char(piece.get(), i));
      });
      return pieces;
    });
  }
};

}  // namespace

std::unique_ptr<PreTokenizer> make_bert(const JsonView&) { return std::make_unique<Bert>(); }

}  // namespace hub::tokenizer::pre_tokenizers
