// UTF-8 helpers and the Unicode character properties the tokenizer components need (internal).
// Properties follow what HF tokenizers uses, which mixes Unicode versions (tokenizer-json.md §12):
// the tables in unicode_tables.cc are generated from the reference binding; utf8proc provides the
// normalization forms and grapheme breaks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hub::tokenizer::unicode {

// Decodes the code point starting at s[i] (s is valid UTF-8) and advances i past it.
char32_t next_char(std::string_view s, std::size_t& i) noexcept;
// Byte length of the UTF-8 sequence that starts with byte b (1 for invalid lead bytes).
inline std::size_t utf8_len_from_lead(unsigned char b) noexcept {
  return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}
std::size_t utf8_len(char32_t c) noexcept;
void append_utf8(std::string& out, char32_t c);
std::string to_utf8(char32_t c);
// Number of code points in valid UTF-8.
std::size_t count_chars(std::string_view s) noexcept;
std::u32string to_u32(std::string_view s);

// Replaces every maximal invalid subsequence by U+FFFD (Rust String::from_utf8_lossy).
std::string utf8_lossy(std::string_view bytes);
bool is_valid_utf8(std::string_view bytes) noexcept;

// Rust char::is_whitespace (White_Space property).
bool is_whitespace(char32_t c) noexcept;
// General category index (see unicode_tables.h) in the Unicode version of HF tokenizers'
// regex engine and Rust toolchain (generated table), unlike utf8proc's.
std::uint8_t category(char32_t c) noexcept;
// Rust `regex` \w: Alphabetic, M, Nd, Pc, Join_Control.
bool is_word_char(char32_t c) noexcept;
// Rust char::is_numeric (Nd, Nl, No).
bool is_numeric(char32_t c) noexcept;
// BertPreTokenizer / Punctuation: ASCII punctuation or P* in the old unicode_categories tables.
bool is_bert_punctuation(char32_t c) noexcept;
// What BertNormalizer's clean_text removes: NUL, U+FFFD, old Cc/Cf/Co except \t \n \r.
bool is_bert_control(char32_t c) noexcept;
// What BertNormalizer's strip_accents removes after NFD: old Mn.
bool is_bert_nonspacing_mark(char32_t c) noexcept;
// What StripAccents removes: M* in the normalization crate's Unicode 9 tables.
bool is_combining_mark(char32_t c) noexcept;

// Script as the UnicodeScripts pre-tokenizer sees it (opaque number, equal iff same script);
// kAnyScript for chars that never start a piece (U+0020, unassigned in its table).
constexpr std::uint8_t kAnyScript = 0;
std::uint8_t pre_tokenizer_script(char32_t c) noexcept;

// Rust char::to_lowercase (context-free, full mapping): appends the lowercase expansion.
void to_lowercase(char32_t c, std::u32string& out);

// A normalization step's output: each char with its change (0 replaces the next old char,
// +1 inserted, -n replaces the next old char and removes n more), as NormalizedString::transform
// expects.
using Changes = std::vector<std::pair<char32_t, int>>;
enum class Form { nfd, nfkd, nfc, nfkc };
// Normalizes `s` (valid UTF-8) the way unicode-normalization-alignments does, with changes.
// Returns false (and leaves `out` empty) when the text is certainly unchanged by the form.
bool normalize(std::string_view s, Form form, Changes& out);

// Start of every extended grapheme cluster in s (byte offsets), plus s.size() at the end.
std::vector<std::size_t> grapheme_boundaries(std::string_view s);

}  // namespace hub::tokenizer::unicode
