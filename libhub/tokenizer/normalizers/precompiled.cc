// Precompiled: SentencePiece's compiled normalization rules, a Darts-clone double array over
// UTF-8 keys plus a pool of replacement strings (tokenizer-json.md §5.5, quirks included).
#include <cstdint>
#include <cstring>
#include <vector>

#include "tokenizer/normalizers/normalizers.h"

namespace hub::tokenizer::normalizers {
namespace {

// Standard base64 with padding; returns false on any character outside the alphabet.
bool base64_decode(const std::string& in, std::string& out) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t i = 0;
  for (; i < in.size() && in[i] != '='; ++i) {
    int v = val(in[i]);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  for (; i < in.size(); ++i)
    if (in[i] != '=') return false;
  return true;
}

class Precompiled final : public Normalizer {
 public:
  Precompiled(std::vector<std::uint32_t> units, std::string pool) : units_(std::move(units)), pool_(std::move(pool)) {}

  void normalize(NormalizedString& s) const override {
    const std::string& text = s.get();
    unicode::Changes items;
    items.reserve(text.size());
    bool modified = false;
    std::vector<std::size_t> bounds = unicode::grapheme_boundaries(text);
    for (std::size_t g = 0; g + 1 < bounds.size(); ++g) {
      std::string_view grapheme(text.data() + bounds[g], bounds[g + 1] - bounds[g]);
      std::string_view norm;
      if (grapheme.size() < 6 && transform(grapheme, norm)) {
        modified = true;
        replace(items, grapheme, norm);
        continue;
      }
      for (std::size_t i = 0; i < grapheme.size();) {
        std::size_t start = i;
        char32_t c = unicode::next_char(grapheme, i);
        std::string_view part = grapheme.substr(start, i - start);
        if (transform(part, norm)) {
          modified = true;
          replace(items, part, norm);
        } else {
          items.emplace_back(c, 0);
        }
      }
    }
    if (modified) s.transform(items, 0);
  }

 private:
  // Replacement for the shortest key that is a prefix of `chunk` (quirk: not the longest).
  bool transform(std::string_view chunk, std::string_view& out) const {
    auto offset = [](std::uint32_t u) -> std::size_t { return (u >> 10) << ((u & (1u << 9)) >> 6); };
    auto label = [](std::uint32_t u) -> std::uint32_t { return u & ((1u << 31) | 0xFFu); };
    if (units_.empty()) return false;
    std::size_t pos = offset(units_[0]);
    for (char ch : chunk) {
      auto c = static_cast<unsigned char>(ch);
      if (c == 0) break;  // keys stop at NUL, so U+0000 is never transformed
      pos ^= c;
      if (pos >= units_.size()) return false;
      std::uint32_t u = units_[pos];
      if (label(u) != c) return false;
      pos ^= offset(u);
      if ((u >> 8) & 1) {
        if (pos >= units_.size()) return false;
        std::size_t index = units_[pos] & 0x7FFFFFFFu;
        if (index > pool_.size()) return false;
        std::size_t end = pool_.find('\0', index);
        if (end == std::string::npos) end = pool_.size();
        out = std::string_view(pool_).substr(index, end - index);
        return true;
      }
    }
    return false;
  }

  static void replace(unicode::Changes& items, std::string_view old_part, std::string_view new_part) {
    auto old_count = static_cast<int>(unicode::count_chars(old_part));
    auto new_count = static_cast<int>(unicode::count_chars(new_part));
    int diff = new_count - old_count;
    for (std::size_t i = 0; i < new_part.size();) items.emplace_back(unicode::next_char(new_part, i), 0);
    if (diff > 0) {
      for (int k = 0; k < diff && k < static_cast<int>(items.size()); ++k)
        items[items.size() - 1 - static_cast<std::size_t>(k)].second = 1;
    } else if (diff < 0 && !items.empty()) {
      items.back().second += diff;  // may land on an earlier part's item when new_part is empty (quirk)
    }
  }

  std::vector<std::uint32_t> units_;
  std::string pool_;
};

}  // namespace

std::unique_ptr<Normalizer> make_precompiled(const JsonView& j) {
  auto field = j.opt("precompiled_charsmap");
  // Xenova-style exports carry a null charsmap: no normalization (tokenizers itself panics).
  if (!field) return nullptr;
  std::string blob;
  if (!base64_decode(field->as_string(), blob)) field->fail("invalid base64");
  if (blob.size() < 4) field->fail("charsmap too short");
  std::uint32_t trie_size = 0;
  std::memcpy(&trie_size, blob.data(), 4);  // little-endian hosts only (x86-64, aarch64)
  std::size_t n = trie_size / 4;
  if (4 + n * 4 > blob.size()) field->fail("charsmap trie size " + std::to_string(trie_size) + " exceeds the data");
  std::vector<std::uint32_t> units(n);
  if (n) std::memcpy(units.data(), blob.data() + 4, n * 4);
  std::string pool = blob.substr(4 + n * 4);
  if (!unicode::is_valid_utf8(pool)) field->fail("charsmap replacement pool is not valid UTF-8");
  return std::make_unique<Precompiled>(std::move(units), std::move(pool));
}

}  // namespace hub::tokenizer::normalizers
