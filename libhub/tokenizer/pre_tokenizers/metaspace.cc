// Metaspace: spaces become the replacement char (usually U+2581), an optional prefix
// replacement, then a split before every replacement char (tokenizer-json.md §6.3).
#include "tokenizer/metaspace.h"

#include "tokenizer/pre_tokenizers/pre_tokenizers.h"

namespace hub::tokenizer::pre_tokenizers {
namespace {

class Metaspace final : public PreTokenizer {
 public:
  explicit Metaspace(MetaspaceConfig c)
      : c_(std::move(c)),
        space_(Pattern::predicate([](char32_t ch) { return ch == U' '; })),
        rep_(Pattern::predicate([r = c_.replacement](char32_t ch) { return ch == r; })) {}

  void pre_tokenize(PreTokenizedString& s) const override {
    s.split([&](std::size_t, NormalizedString&& n) {
      n.replace(space_, c_.str_rep);
      bool starts = n.get().rfind(c_.str_rep, 0) == 0;
      if (!starts &&
          (c_.prepend == PrependScheme::always || (c_.prepend == PrependScheme::first && n.original_shift() == 0)))
        n.prepend(c_.str_rep);
      if (c_.split) return n.split(rep_, SplitBehavior::merged_with_next);
      std::vector<NormalizedString> one;
      one.push_back(std::move(n));
      return one;
    });
  }

 private:
  MetaspaceConfig c_;
  Pattern space_, rep_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_metaspace(const JsonView& j) {
  return std::make_unique<Metaspace>(metaspace_config(j));
}

}  // namespace hub::tokenizer::pre_tokenizers
