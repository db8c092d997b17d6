// Nmt: drops some control chars and maps others (and ZW spaces) to U+0020 (§5.4).
#include "tokenizer/normalizers/normalizers.h"

namespace hub::tokenizer::normalizers {
namespace {

class Nmt final : public Normalizer {
 public:
  void normalize(NormalizedString& s) const override {
    s.filter([](char32_t c) {
      return !((c >= 0x0001 && c <= 0x0008) || c == 0x000B || (c >= 0x000E && c <= 0x001F) || c == 0x007F ||
               c == 0x008F || c == 0x009F);
    });
    s.map([](char32_t c) -> char32_t {
      switch (c) {
        case 0x0009:
        case 0x000A:
        case 0x000C:
        case 0x000D:
        case 0x1680:
        case 0x200B:
        case 0x200C:
        case 0x200D:
        case 0x200E:
        case 0x200F:
        case 0x2028:
        case 0x2029:
        case 0x2581:
        case 0xFEFF:
        case 0xFFFD: return U' ';
        default: return c;
      }
    });
  }
};

}  // namespace

std::unique_ptr<Normalizer> make_nmt(const JsonView&) { return std::make_unique<Nmt>(); }

}  // namespace hub::tokenizer::normalizers
