#include "tokenizer/byte_level.h"

#include <array>

#include "tokenizer/unicode.h"

namespace hub::tokenizer::byte_level {
namespace {

struct Tables {
  std::array<char32_t, 256> chars{};
  std::array<std::string, 256> utf8;
  Tables() {
    // Printable bytes keep their code point; the other 68, in byte order, get U+0100 onwards.
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
      bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      chars[static_cast<std::size_t>(b)] = printable ? static_cast<char32_t>(b) : next++;
      utf8[static_cast<std::size_t>(b)] = unicode::to_utf8(chars[static_cast<std::size_t>(b)]);
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

char32_t char_of(std::uint8_t b) noexcept { return tables().chars[b]; }

const std::string& utf8_of(std::uint8_t b) noexcept { return tables().utf8[b]; }

int byte_of(char32_t c) noexcept {
  if ((c >= 0x21 && c <= 0x7E) || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE && c <= 0xFF)) return static_cast<int>(c);
  if (c < 0x100 || c >= 0x100 + 68) return -1;
  static const std::array<int, 68> rev = [] {
    std::array<int, 68> r{};
    int k = 0;
    for (int b = 0; b < 256; ++b) {
      bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      if (!printable) r[static_cast<std::size_t>(k++)] = b;
    }
    return r;
  }();
  return rev[c - 0x100];
}

}  // namespace hub::tokenizer::byte_level
