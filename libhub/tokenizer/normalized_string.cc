#include "tokenizer/normalized_string.h"

#include <algorithm>

#include "tokenizer/pattern.h"

namespace hub::tokenizer {

using unicode::next_char;

NormalizedString::NormalizedString(std::string original) : original_(std::move(original)) {
  normalized_ = original_;
  alignments_.resize(normalized_.size());
  for (std::size_t i = 0; i < normalized_.size();) {
    std::size_t start = i;
    next_char(normalized_, i);
    for (std::size_t k = start; k < i && k < alignments_.size(); ++k) alignments_[k] = {start, i};
  }
}

std::optional<Offsets> NormalizedString::to_original(Offsets r) const {
  if (r.first == r.second) return r;
  if (r.first > r.second || r.second > alignments_.size()) return std::nullopt;
  return Offsets{alignments_[r.first].first, alignments_[r.second - 1].second};
}

void NormalizedString::transform_range(Offsets range, const unicode::Changes& items, std::size_t initial_offset) {
  const auto [rs, re] = range;
  auto char_len_at = [&](std::size_t pos) {
    return unicode::utf8_len_from_lead(static_cast<unsigned char>(normalized_[pos]));
  };
  std::size_t cursor = rs;  // next old char of the range not consumed yet
  for (std::size_t k = 0; k < initial_offset && cursor < re; ++k) cursor += char_len_at(cursor);
  std::string out;
  std::vector<Offsets> aligns;
  out.reserve(re - rs + items.size());
  aligns.reserve(re - rs + items.size());
  for (const auto& [c, change] : items) {
    std::size_t idx = cursor;
    Offsets align{0, 0};
    if (change > 0) {
      if (idx >= 1 && idx - 1 < alignments_.size()) align = alignments_[idx - 1];
    } else if (idx < alignments_.size()) {
      align = alignments_[idx];
    } else if (!alignments_.empty()) {
      align = alignments_.back();  // tokenizers would index out of bounds here; stay defined
    }
    if (change <= 0 && cursor < re) cursor += char_len_at(cursor);
    for (int n = 0; n < -change && cursor < re; ++n) cursor += char_len_at(cursor);
    std::size_t before = out.size();
    unicode::append_utf8(out, c);
    aligns.insert(aligns.end(), out.size() - before, align);
  }
  normalized_.replace(rs, re - rs, out);
  alignments_.erase(alignments_.begin() + static_cast<std::ptrdiff_t>(rs),
                    alignments_.begin() + static_cast<std::ptrdiff_t>(re));
  alignments_.insert(alignments_.begin() + static_cast<std::ptrdiff_t>(rs), aligns.begin(), aligns.end());
}

void NormalizedString::map(const std::function<char32_t(char32_t)>& f) {
  unicode::Changes items;
  items.reserve(normalized_.size());
  for (std::size_t i = 0; i < normalized_.size();) items.emplace_back(f(next_char(normalized_, i)), 0);
  transform(items, 0);
}

void NormalizedString::filter(const std::function<bool(char32_t)>& keep) {
  unicode::Changes items;
  int removed = 0;
  std::size_t removed_start = 0;
  bool have_last = false;
  char32_t last = 0;
  for (std::size_t i = 0; i < normalized_.size();) {
    char32_t c = next_char(normalized_, i);
    if (keep(c)) {
      if (have_last)
        items.emplace_back(last, -removed);
      else
        removed_start = static_cast<std::size_t>(removed);
      last = c;
      have_last = true;
      removed = 0;
    } else {
      ++removed;
    }
  }
  if (have_last) items.emplace_back(last, -removed);
  transform(items, removed_start);
}

void NormalizedString::lowercase() {
  unicode::Changes items;
  items.reserve(normalized_.size());
  std::u32string lower;
  for (std::size_t i = 0; i < normalized_.size();) {
    lower.clear();
    unicode::to_lowercase(next_char(normalized_, i), lower);
    for (std::size_t k = 0; k < lower.size(); ++k) items.emplace_back(lower[k], k > 0 ? 1 : 0);
  }
  transform(items, 0);
}

void NormalizedString::normalize(unicode::Form form) {
  unicode::Changes items;
  if (unicode::normalize(normalized_, form, items)) transform(items, 0);
}

void NormalizedString::prepend(std::string_view s) {
  if (normalized_.empty() || s.empty()) return;
  std::size_t i = 0;
  char32_t first = next_char(normalized_, i);
  unicode::Changes items;
  std::size_t k = 0;
  for (std::size_t j = 0; j < s.size(); ++k) items.emplace_back(next_char(s, j), k != 0 ? 1 : 0);
  items.emplace_back(first, 1);
  transform_range({0, i}, items, 0);
}

void NormalizedString::replace(const Pattern& pattern, std::string_view content) {
  // One pass equivalent to tokenizers' per-match transform_range: text outside matches is
  // kept with its alignments; each match is removed and every char of `content` is inserted
  // with the alignment of the byte just before the match end ((0,0) at position 0).
  Segments segs = pattern.find_matches(normalized_);
  std::string out;
  std::vector<Offsets> aligns;
  out.reserve(normalized_.size());
  aligns.reserve(normalized_.size());
  bool changed = false;
  for (const auto& [r, is_match] : segs) {
    if (!is_match) {
      out.append(normalized_, r.first, r.second - r.first);
      aligns.insert(aligns.end(), alignments_.begin() + static_cast<std::ptrdiff_t>(r.first),
                    alignments_.begin() + static_cast<std::ptrdiff_t>(r.second));
      continue;
    }
    changed = true;
    Offsets align = r.second >= 1 ? alignments_[r.second - 1] : Offsets{0, 0};
    out.append(content);
    aligns.insert(aligns.end(), content.size(), align);
  }
  if (!changed) return;
  normalized_ = std::move(out);
  alignments_ = std::move(aligns);
}

void NormalizedString::strip(bool left, bool right) {
  std::u32string chars = unicode::to_u32(normalized_);
  std::size_t leading = 0, trailing = 0;
  if (left)
    while (leading < chars.size() && unicode::is_whitespace(chars[leading])) ++leading;
  if (right)
    while (trailing < chars.size() && unicode::is_whitespace(chars[chars.size() - 1 - trailing])) ++trailing;
  if (leading == 0 && trailing == 0) return;
  // tokenizers compares the char index with the *byte* length here (quirk): the removal count
  // lands on the char at index len_bytes - trailing - 1, if there is one.
  auto mark = static_cast<std::ptrdiff_t>(normalized_.size()) - static_cast<std::ptrdiff_t>(trailing) - 1;
  unicode::Changes items;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (i < leading || i >= chars.size() - trailing) continue;
    items.emplace_back(chars[i], static_cast<std::ptrdiff_t>(i) == mark ? -static_cast<int>(trailing) : 0);
  }
  transform(items, leading);
}

NormalizedString NormalizedString::slice(Offsets r) const {
  NormalizedString out;
  auto orig = to_original(r);
  Offsets ro = orig ? *orig : Offsets{0, 0};
  if (ro.first <= ro.second && ro.second <= original_.size())
    out.original_ = original_.substr(ro.first, ro.second - ro.first);
  if (r.first <= r.second && r.second <= normalized_.size()) {
    out.normalized_ = normalized_.substr(r.first, r.second - r.first);
    out.alignments_.reserve(r.second - r.first);
    // Unsigned wrap-around like tokenizers' release build when an alignment precedes the start.
    for (std::size_t k = r.first; k < r.second; ++k)
      out.alignments_.emplace_back(alignments_[k].first - ro.first, alignments_[k].second - ro.first);
  }
  out.original_shift_ = original_shift_ + ro.first;
  return out;
}

std::vector<NormalizedString> NormalizedString::split(const Pattern& pattern, SplitBehavior behavior) const {
  Segments matches = pattern.find_matches(normalized_);
  // (range, remove) pairs, as in tokenizers' NormalizedString::split.
  Segments splits;
  switch (behavior) {
    case SplitBehavior::isolated:
      for (auto& m : matches) splits.push_back({m.first, false});
      break;
    case SplitBehavior::removed: splits = std::move(matches); break;
    case SplitBehavior::contiguous: {
      bool prev = false;
      for (auto& [r, is_match] : matches) {
        if (is_match == prev && !splits.empty())
          splits.back().first.second = r.second;
        else
          splits.push_back({r, false});
        prev = is_match;
      }
      break;
    }
    case SplitBehavior::merged_with_previous: {
      bool prev = false;
      for (auto& [r, is_match] : matches) {
        if (is_match && !prev && !splits.empty())
          splits.back().first.second = r.second;
        else
          splits.push_back({r, false});
        prev = is_match;
      }
      break;
    }
    case SplitBehavior::merged_with_next: {
      bool prev = false;
      for (auto it = matches.rbegin(); it != matches.rend(); ++it) {
        auto& [r, is_match] = *it;
        if (is_match && !prev && !splits.empty())
          splits.back().first.first = r.first;
        else
          splits.push_back({r, false});
        prev = is_match;
      }
      std::reverse(splits.begin(), splits.end());
      break;
    }
  }
  std::vector<NormalizedString> out;
  out.reserve(splits.size());
  for (const auto& [r, remove] : splits)
    if (!remove) out.push_back(slice(r));
  return out;
}

}  // namespace hub::tokenizer
