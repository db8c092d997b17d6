// ByteLevel normalizer: every UTF-8 byte becomes its byte-level alphabet char (§5.4).
#include "tokenizer/byte_level.h"

#include "tokenizer/normalizers/normalizers.h"

namespace hub::tokenizer::normalizers {

// Shared with the ByteLevel pre-tokenizer: first byte of a char replaces it, the others are
// inserted, so every piece of a multi-byte char aligns to the whole char.
void byte_level_transform(NormalizedString& s) {
  const std::string& t = s.get();
  // The one-pass form needs whole UTF-8 sequences (always so for text that came in through the
  // tokenizer, which repairs invalid input); a truncated one takes the general path below.
  bool whole = s.alignments().size() == t.size();
  for (std::size_t i = 0; whole && i < t.size();) {
    i += unicode::utf8_len_from_lead(static_cast<unsigned char>(t[i]));
    whole = i <= t.size();
  }
  if (whole) {
    s.map_bytes([](std::uint8_t b) -> const std::string& { return byte_level::utf8_of(b); });
    return;
  }
  unicode::Changes items;
  items.reserve(t.size());
  for (std::size_t i = 0; i < t.size();) {
    std::size_t n = unicode::utf8_len_from_lead(static_cast<unsigned char>(t[i]));
    for (std::size_t k = 0; k < n && i + k < t.size(); ++k)
      items.emplace_back(byte_level::char_of(static_cast<std::uint8_t>(t[i + k])), k > 0 ? 1 : 0);
    i += n;
  }
  s.transform(items, 0);
}

namespace {

class ByteLevel final : public Normalizer {
 public:
  void normalize(NormalizedString& s) const override { byte_level_transform(s); }
};

}  // namespace

std::unique_ptr<Normalizer> make_byte_level(const JsonView&) { return std::make_unique<ByteLevel>(); }

}  // namespace hub::tokenizer::normalizers
