// UnicodeScripts: splits where the Unicode script changes (tokenizer-json.md §6.5).
#include "tokenizer/pre_tokenizers/pre_tokenizers.h"
#include "tokenizer/unicode.h"

namespace hub::tokenizer::pre_tokenizers {
namespace {

class UnicodeScripts final : public PreTokenizer {
 public:
  void pre_tokenize(PreTokenizedString& s) const override {
    s.split([](std::size_t, NormalizedString&& n) {
      // A piece starts at every char whose script differs from the last non-Any script seen; Any
      // chars never start one. Only ranges from a start onwards are kept, so leading Any chars
      // (and a piece made only of them) are dropped, as in tokenizers.
      const std::string& t = n.get();
      std::vector<std::size_t> starts;
      int last = -1;  // no script seen yet
      for (std::size_t i = 0; i < t.size();) {
        std::size_t at = i;
        std::uint8_t script = unicode::pre_tokenizer_script(unicode::next_char(t, i));
        if (script == unicode::kAnyScript) continue;
        if (script != last) starts.push_back(at);
        last = script;
      }
      std::vector<NormalizedString> out;
      out.reserve(starts.size());
      for (std::size_t k = 0; k < starts.size(); ++k)
        out.push_back(n.slice({starts[k], k + 1 < starts.size() ? starts[k + 1] : t.size()}));
      return out;
    });
  }
};

}  // namespace

std::unique_ptr<PreTokenizer> make_unicode_scripts(const JsonView&) { return std::make_unique<UnicodeScripts>(); }

}  // namespace hub::tokenizer::pre_tokenizers
