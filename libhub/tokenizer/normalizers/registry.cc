// The normalizer registry: JSON `type` tag -> factory (tokenizer-json.md §1.4, §5).
#include <functional>
#include <string_view>
#include <utility>

#include "tokenizer/normalizers/normalizers.h"

namespace hub::tokenizer {

std::unique_ptr<Normalizer> make_normalizer(const JsonView& j) {
  using namespace normalizers;
  using Factory = std::unique_ptr<Normalizer> (*)(const JsonView&);
  static const std::pair<std::string_view, Factory> kRegistry[] = {
      {"BertNormalizer", make_bert},
      {"NFC", [](const JsonView& v) { return make_unicode_form(v, unicode::Form::nfc); }},
      {"NFD", [](const JsonView& v) { return make_unicode_form(v, unicode::Form::nfd); }},
      {"NFKC", [](const JsonView& v) { return make_unicode_form(v, unicode::Form::nfkc); }},
      {"NFKD", [](const JsonView& v) { return make_unicode_form(v, unicode::Form::nfkd); }},
      {"Lowercase", make_lowercase},
      {"StripAccents", make_strip_accents},
      {"Strip", make_strip},
      {"Replace", make_replace},
      {"Prepend", make_prepend},
      {"Nmt", make_nmt},
      {"ByteLevel", make_byte_level},
      {"Precompiled", make_precompiled},
      {"Sequence", make_sequence},
  };
  if (j.is_null()) return nullptr;
  if (!j.is_object()) j.fail("expected a normalizer object");
  std::string type = j.str("type");
  for (const auto& [name, factory] : kRegistry)
    if (name == type) return factory(j);
  j.at("type").fail("unknown normalizer type `" + type + "`");
}

}  // namespace hub::tokenizer
