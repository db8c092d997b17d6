#include "tokenizer/encoding_ops.h"

#include <algorithm>

#include "hub/error.h"

namespace hub::tokenizer {
namespace {

void append(Encoding& e, const Encoding& p) {
  e.ids.insert(e.ids.end(), p.ids.begin(), p.ids.end());
  e.tokens.insert(e.tokens.end(), p.tokens.begin(), p.tokens.end());
  e.offsets.insert(e.offsets.end(), p.offsets.begin(), p.offsets.end());
  e.type_ids.insert(e.type_ids.end(), p.type_ids.begin(), p.type_ids.end());
  e.special_tokens_mask.insert(e.special_tokens_mask.end(), p.special_tokens_mask.begin(), p.special_tokens_mask.end());
  e.attention_mask.insert(e.attention_mask.end(), p.attention_mask.begin(), p.attention_mask.end());
  e.word_ids.insert(e.word_ids.end(), p.word_ids.begin(), p.word_ids.end());
}

Encoding slice(const Encoding& e, std::size_t start, std::size_t stop) {
  Encoding out;
  auto cut = [&](const auto& v, auto& dst) {
    dst.assign(v.begin() + static_cast<std::ptrdiff_t>(start), v.begin() + static_cast<std::ptrdiff_t>(stop));
  };
  cut(e.ids, out.ids);
  cut(e.tokens, out.tokens);
  cut(e.offsets, out.offsets);
  cut(e.type_ids, out.type_ids);
  cut(e.special_tokens_mask, out.special_tokens_mask);
  cut(e.attention_mask, out.attention_mask);
  cut(e.word_ids, out.word_ids);
  return out;
}

void pad_one(Encoding& e, std::size_t target, const PaddingParams& p) {
  for (auto& o : e.overflowing) pad_one(o, target, p);
  if (e.ids.size() >= target) return;
  std::size_t n = target - e.ids.size();
  bool left = p.direction == Direction::left;
  auto grow = [&](auto& v, const auto& value) {
    if (left)
      v.insert(v.begin(), n, value);
    else
      v.insert(v.end(), n, value);
  };
  grow(e.ids, p.pad_id);
  grow(e.type_ids, p.pad_type_id);
  grow(e.tokens, p.pad_token);
  grow(e.word_ids, std::optional<std::uint32_t>());
  grow(e.attention_mask, 0u);
  grow(e.special_tokens_mask, 1u);
  grow(e.offsets, std::pair<std::size_t, std::size_t>(0, 0));
}

}  // namespace

// The overflowing windows of `e` merged with `pair`: every combination of e's and pair's windows.
static std::vector<Encoding> merged_overflowing(const Encoding& e, const Encoding& pair) {
  std::vector<Encoding> overflowings;
  for (const auto& self_o : e.overflowing) {
    Encoding n = self_o;
    merge_with(n, pair);
    overflowings.push_back(std::move(n));
    for (const auto& other_o : pair.overflowing) {
      Encoding m = self_o;
      merge_with(m, other_o);
      overflowings.push_back(std::move(m));
    }
  }
  for (const auto& other_o : pair.overflowing) {
    Encoding n = e;
    merge_with(n, other_o);
    overflowings.push_back(std::move(n));
  }
  return overflowings;
}

void merge_with(Encoding& e, const Encoding& pair) {
  std::vector<Encoding> overflowings = merged_overflowing(e, pair);
  append(e, pair);
  e.overflowing = std::move(overflowings);
}

void merge_with(Encoding& e, Encoding&& pair) {
  if (e.ids.empty() && e.tokens.empty() && e.overflowing.empty()) {
    // Merging into nothing gives `pair` itself, its windows included.
    e = std::move(pair);
    return;
  }
  std::vector<Encoding> overflowings = merged_overflowing(e, pair);
  e.tokens.reserve(e.tokens.size() + pair.tokens.size());
  for (std::string& t : pair.tokens) e.tokens.push_back(std::move(t));
  pair.tokens.clear();
  append(e, pair);
  e.overflowing = std::move(overflowings);
}

void truncate(Encoding& e, std::size_t max_len, std::size_t stride, Direction dir) {
  std::size_t len = e.ids.size();
  if (max_len >= len) return;
  if (max_len == 0) {
    Encoding all = std::move(e);
    e = Encoding();
    e.overflowing.push_back(std::move(all));
    return;
  }
  if (stride >= max_len)
    throw Error(Errc::invalid_input, "tokenizer: truncation stride " + std::to_string(stride) +
                                         " must be less than the effective max length " + std::to_string(max_len));
  std::size_t step = max_len - stride;
  std::vector<std::pair<std::size_t, std::size_t>> parts;
  if (dir == Direction::right) {
    for (std::size_t start = 0; start < len; start += step) {
      std::size_t stop = std::min(start + max_len, len);
      parts.emplace_back(start, stop);
      if (stop == len) break;
    }
  } else {
    for (std::size_t k = 0; k < len; k += step) {
      std::size_t stop = len - k;
      std::size_t start = stop > max_len ? stop - max_len : 0;
      parts.emplace_back(start, stop);
      if (start == 0) break;
    }
  }
  Encoding first = slice(e, parts[0].first, parts[0].second);
  for (std::size_t i = 1; i < parts.size(); ++i) first.overflowing.push_back(slice(e, parts[i].first, parts[i].second));
  e = std::move(first);
}

void truncate_encodings(Encoding& a, Encoding* b, const TruncationParams& p) {
  if (p.max_length == 0) {
    truncate(a, 0, p.stride, p.direction);
    if (b) truncate(*b, 0, p.stride, p.direction);
    return;
  }
  std::size_t total = a.ids.size() + (b ? b->ids.size() : 0);
  if (total <= p.max_length) return;
  std::size_t to_remove = total - p.max_length;
  if (p.strategy == TruncationStrategy::longest_first) {
    if (!b) {
      truncate(a, total - to_remove, p.stride, p.direction);
      return;
    }
    std::size_t n1 = a.ids.size(), n2 = b->ids.size();
    bool swap = n1 > n2;
    if (swap) std::swap(n1, n2);
    n2 = n1 > p.max_length ? n1 : std::max(n1, p.max_length - n1);
    if (n1 + n2 > p.max_length) {
      n1 = p.max_length / 2;
      n2 = n1 + p.max_length % 2;
    }
    if (swap) std::swap(n1, n2);
    truncate(a, n1, p.stride, p.direction);
    truncate(*b, n2, p.stride, p.direction);
    return;
  }
  Encoding* target = p.strategy == TruncationStrategy::only_first ? &a : b;
  if (!target) throw Error(Errc::invalid_input, "tokenizer: truncation strategy OnlySecond needs a pair of sequences");
  if (target->ids.size() <= to_remove)
    throw Error(Errc::invalid_input, "tokenizer: sequence to truncate is too short to respect max_length");
  truncate(*target, target->ids.size() - to_remove, p.stride, p.direction);
}

void pad_encodings(std::vector<Encoding*>& encs, const PaddingParams& p) {
  if (encs.empty()) return;
  std::size_t target = 0;
  if (p.fixed) {
    target = *p.fixed;
  } else {
    for (const Encoding* e : encs) target = std::max(target, e->ids.size());
  }
  if (p.pad_to_multiple_of > 0 && target % p.pad_to_multiple_of > 0)
    target += p.pad_to_multiple_of - target % p.pad_to_multiple_of;
  for (Encoding* e : encs) pad_one(*e, target, p);
}

}  // namespace hub::tokenizer
