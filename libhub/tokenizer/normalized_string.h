// NormalizedString: a piece of text being normalized, with the alignment of every byte of the
// normalized text to a byte range of the original (internal). The currency between stages:
// normalizers transform it, pre-tokenizers split it, and token offsets are mapped back to the
// input through it. Semantics follow tokenizers' normalizer.rs (tokenizer-json.md §3.1).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tokenizer/unicode.h"

namespace hub::tokenizer {

using Offsets = std::pair<std::size_t, std::size_t>;

class Pattern;
enum class SplitBehavior { removed, isolated, merged_with_previous, merged_with_next, contiguous };

class NormalizedString {
 public:
  NormalizedString() = default;
  explicit NormalizedString(std::string original);

  const std::string& get() const noexcept { return normalized_; }
  const std::string& original() const noexcept { return original_; }
  const std::vector<Offsets>& alignments() const noexcept { return alignments_; }
  std::size_t original_shift() const noexcept { return original_shift_; }
  bool empty() const noexcept { return normalized_.empty(); }
  std::size_t size() const noexcept { return normalized_.size(); }

  // Normalized byte range -> original byte range (relative to this piece's original). An empty
  // range comes back unchanged, in normalized coordinates (a tokenizers quirk kept on purpose).
  std::optional<Offsets> to_original(Offsets normalized) const;

  // The single primitive behind every normalization (tokenizer-json.md §3.1): replaces the
  // normalized bytes [range) by `items`, skipping `initial_offset` old chars first.
  void transform_range(Offsets range, const unicode::Changes& items, std::size_t initial_offset);
  void transform(const unicode::Changes& items, std::size_t initial_offset) {
    transform_range({0, normalized_.size()}, items, initial_offset);
  }

  // Replaces every byte b of the normalized string by the UTF-8 string `encode(b)`, each of its
  // bytes aligned where b was. On valid UTF-8 this is what transform() does for the items "the
  // replacement of each byte, every byte after a char's first one inserted (change 1)" — the
  // byte-level alphabet — in one pass without building the items.
  template <typename Encode>
  void map_bytes(Encode&& encode) {
    std::string out;
    std::vector<Offsets> aligns;
    out.reserve(normalized_.size() * 2);
    aligns.reserve(normalized_.size() * 2);
    for (std::size_t i = 0; i < normalized_.size(); ++i) {
      const std::string& r = encode(static_cast<std::uint8_t>(normalized_[i]));
      out += r;
      for (std::size_t k = 0; k < r.size(); ++k) aligns.push_back(alignments_[i]);  // 1 or 2 bytes
    }
    normalized_ = std::move(out);
    alignments_ = std::move(aligns);
  }
  // Replaces every byte b of the normalized string by f(b) in place. Only for ASCII text and an
  // f that maps ASCII to ASCII: every char stays one byte, so the alignments do not change.
  template <typename F>
  void map_ascii(F&& f) {
    for (char& b : normalized_) b = f(b);
  }
  void map(const std::function<char32_t(char32_t)>& f);
  void filter(const std::function<bool(char32_t)>& keep);
  void lowercase();
  void normalize(unicode::Form form);
  void prepend(std::string_view s);
  void replace(const Pattern& pattern, std::string_view content);
  void strip(bool left, bool right);

  // The sub-string of normalized bytes [range): its original is the mapped original range.
  NormalizedString slice(Offsets normalized_range) const;
  // Splits on `pattern` with `behavior` (tokenizer-json.md §4); empty pieces are kept here
  // (the pre-tokenized string drops them).
  std::vector<NormalizedString> split(const Pattern& pattern, SplitBehavior behavior) const;

 private:
  std::string original_;
  std::string normalized_;
  std::vector<Offsets> alignments_;  // one per byte of normalized_
  std::size_t original_shift_ = 0;
};

}  // namespace hub::tokenizer
