// BertNormalizer: clean text, pad CJK ideographs with spaces, strip accents, lowercase (§5.2).
#include <array>

#include "tokenizer/normalizers/normalizers.h"

namespace hub::tokenizer::normalizers {
namespace {

bool is_chinese_char(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

class Bert final : public Normalizer {
 public:
  Bert(bool clean_text, bool chinese, bool strip_accents, bool lowercase)
      : clean_text_(clean_text), chinese_(chinese), strip_accents_(strip_accents), lowercase_(lowercase) {}

  void normalize(NormalizedString& s) const override {
    if (normalize_ascii(s)) return;
    if (clean_text_) {
      // "Control" is wide here: Cc, Cf, Cn, Co, except the three whitespace controls.
      s.filter([](char32_t c) { return !unicode::is_bert_control(c); });
      s.map([](char32_t c) {
        return (c == '\t' || c == '\n' || c == '\r' || unicode::is_whitespace(c)) ? char32_t{' '} : c;
      });
    }
    if (chinese_) {
      unicode::Changes items;
      const std::string& t = s.get();
      items.reserve(t.size());
      for (std::size_t i = 0; i < t.size();) {
        char32_t c = unicode::next_char(t, i);
        if (is_chinese_char(c)) {
          items.emplace_back(U' ', 0);
          items.emplace_back(c, 1);
          items.emplace_back(U' ', 1);
        } else {
          items.emplace_back(c, 0);
        }
      }
      s.transform(items, 0);
    }
    if (strip_accents_) {
      s.normalize(unicode::Form::nfd);
      s.filter([](char32_t c) { return !unicode::is_bert_nonspacing_mark(c); });
    }
    if (lowercase_) s.lowercase();
  }

 private:
  // Printable ASCII plus \t \n \r (most text): no char is removed, padded, decomposed or stripped,
  // clean_text maps the three controls to spaces and lowercasing stays within ASCII, one byte
  // for one byte. Done in place, the alignments untouched; false (nothing done) otherwise.
  bool normalize_ascii(NormalizedString& s) const {
    // ASCII bytes clean_text removes or maps to a space other than \t \n \r (the table's view).
    static const std::array<bool, 128> kSpecial = [] {
      std::array<bool, 128> special{};
      for (char32_t c = 0; c < 128; ++c)
        special[c] = c != '\t' && c != '\n' && c != '\r' && (unicode::is_bert_control(c) || unicode::is_whitespace(c));
      special[' '] = false;
      return special;
    }();
    for (char b : s.get()) {
      auto u = static_cast<unsigned char>(b);
      if (u >= 0x80 || (clean_text_ && kSpecial[u])) return false;
    }
    s.map_ascii([this](char b) {
      if (clean_text_ && (b == '\t' || b == '\n' || b == '\r')) return ' ';
      if (lowercase_ && b >= 'A' && b <= 'Z') return static_cast<char>(b + 32);
      return b;
    });
    return true;
  }

  bool clean_text_, chinese_, strip_accents_, lowercase_;
};

}  // namespace

std::unique_ptr<Normalizer> make_bert(const JsonView& j) {
  bool lowercase = j.boolean("lowercase");
  auto strip = j.opt("strip_accents");
  bool strip_accents = strip ? strip->as_bool() : lowercase;
  return std::make_unique<Bert>(j.boolean("clean_text"), j.boolean("handle_chinese_chars"), strip_accents, lowercase);
}

}  // namespace hub::tokenizer::normalizers
