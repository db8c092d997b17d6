// The GPT-2 byte-level alphabet (internal): every byte maps to a printable code point, so
// byte-level BPE vocabularies are plain strings (tokenizer-json.md §6.2).
#pragma once

#include <cstdint>
#include <string>

namespace hub::tokenizer::byte_level {

// Code point that stands for byte b.
char32_t char_of(std::uint8_t b) noexcept;
// Byte that code point c stands for, or -1 when c is not in the alphabet.
int byte_of(char32_t c) noexcept;
// UTF-8 of char_of(b), precomputed.
const std::string& utf8_of(std::uint8_t b) noexcept;

}  // namespace hub::tokenizer::byte_level
