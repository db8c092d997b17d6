// The pre-tokenizer registry: JSON `type` tag -> factory (tokenizer-json.md §1.4, §6).
#include <string_view>
#include <utility>

#include "tokenizer/pre_tokenizers/pre_tokenizers.h"

namespace hub::tokenizer {

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const JsonView& j) {
  using namespace pre_tokenizers;
  using Factory = std::unique_ptr<PreTokenizer> (*)(const JsonView&);
  static const std::pair<std::string_view, Factory> kRegistry[] = {
      {"ByteLevel", make_byte_level},
      {"Metaspace", make_metaspace},
      {"Split", make_split},
      {"BertPreTokenizer", make_bert},
      {"Whitespace", make_whitespace},
      {"WhitespaceSplit", make_whitespace_split},
      {"Punctuation", make_punctuation},
      {"Digits", make_digits},
      {"CharDelimiterSplit", make_char_delimiter_split},
      {"FixedLength", make_fixed_length},
      {"UnicodeScripts", make_unicode_scripts},
      {"Sequence", make_sequence},
  };
  if (j.is_null()) return nullptr;
  if (!j.is_object()) j.fail("expected a pre-tokenizer object");
  std::string type = j.str("type");
  for (const auto& [name, factory] : kRegistry)
    if (name == type) return factory(j);
  j.at("type").fail("unknown pre-tokenizer type `" + type + "`");
}

namespace pre_tokenizers {

void PatternSplit::pre_tokenize(PreTokenizedString& s) const {
  s.split([&](std::size_t, NormalizedString&& n) { return n.split(pattern_, behavior_); });
}

bool is_bert_punctuation(char32_t c) noexcept { return unicode::is_bert_punctuation(c); }

}  // namespace pre_tokenizers
}  // namespace hub::tokenizer
