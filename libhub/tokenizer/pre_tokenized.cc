#include "tokenizer/pre_tokenized.h"

#include <algorithm>

namespace hub::tokenizer {

PreTokenizedString::PreTokenizedString(NormalizedString s) { splits_.push_back({std::move(s), std::nullopt}); }

namespace {

// Room for `more` splits (a split usually becomes many pieces: growing once, geometrically,
// instead of moving every split made so far at each doubling of a guess that was too small).
void grow(std::vector<Split>& out, std::size_t more) {
  const std::size_t need = out.size() + more;
  if (need > out.capacity()) out.reserve(std::max(need, 2 * out.capacity()));
}

}  // namespace

void PreTokenizedString::split(const std::function<std::vector<NormalizedString>(std::size_t, NormalizedString&&)>& f) {
  std::vector<Split> out;
  out.reserve(splits_.size());
  for (std::size_t i = 0; i < splits_.size(); ++i) {
    Split& s = splits_[i];
    if (s.tokens) {
      out.push_back(std::move(s));
      continue;
    }
    auto pieces = f(i, std::move(s.normalized));
    grow(out, pieces.size() + (splits_.size() - i - 1));
    for (auto& piece : pieces)
      if (!piece.empty()) out.push_back({std::move(piece), std::nullopt});
  }
  splits_ = std::move(out);
}

void PreTokenizedString::split_with_tokens(
    const std::function<std::vector<Split>(std::size_t, NormalizedString&&)>& f) {
  std::vector<Split> out;
  out.reserve(splits_.size());
  for (std::size_t i = 0; i < splits_.size(); ++i) {
    Split& s = splits_[i];
    if (s.tokens) {
      out.push_back(std::move(s));
      continue;
    }
    auto pieces = f(i, std::move(s.normalized));
    grow(out, pieces.size() + (splits_.size() - i - 1));
    for (auto& piece : pieces)
      if (!piece.normalized.empty()) out.push_back(std::move(piece));
  }
  splits_ = std::move(out);
}

void PreTokenizedString::normalize(const std::function<void(NormalizedString&)>& f) {
  for (auto& s : splits_)
    if (!s.tokens) f(s.normalized);
}

}  // namespace hub::tokenizer
