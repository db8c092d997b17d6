// NFC / NFD / NFKC / NFKD, Lowercase and StripAccents: the Unicode-property normalizers (§5.3, §5.4).
#include "tokenizer/normalizers/normalizers.h"

namespace hub::tokenizer::normalizers {
namespace {

class UnicodeForm final : public Normalizer {
 public:
  explicit UnicodeForm(unicode::Form form) : form_(form) {}
  void normalize(NormalizedString& s) const override { s.normalize(form_); }

 private:
  unicode::Form form_;
};

class Lowercase final : public Normalizer {
 public:
  void normalize(NormalizedString& s) const override { s.lowercase(); }
};

class StripAccents final : public Normalizer {
 public:
  // Removes every combining mark (M*), usually after NFD/NFKD.
  void normalize(NormalizedString& s) const override {
    s.filter([](char32_t c) { return !unicode::is_combining_mark(c); });
  }
};

}  // namespace

std::unique_ptr<Normalizer> make_unicode_form(const JsonView&, unicode::Form form) {
  return std::make_unique<UnicodeForm>(form);
}
std::unique_ptr<Normalizer> make_lowercase(const JsonView&) { return std::make_unique<Lowercase>(); }
std::unique_ptr<Normalizer> make_strip_accents(const JsonView&) { return std::make_unique<StripAccents>(); }

}  // namespace hub::tokenizer::normalizers
