#include "tokenizer/pre_tokenized.h"

namespace hub::tokenizer {

PreTokenizedString::PreTokenizedString(NormalizedString s) { splits_.push_back({std::move(s), std::nullopt}); }

void PreTokenizedString::split(const std::function<std::vector<NormalizedString>(std::size_t, NormalizedString&&)>& f) {
  std::vector<Split> out;
  out.reserve(splits_.size());
  for (std::size_t i = 0; i < splits_.size(); ++i) {
    Split& s = splits_[i];
    if (s.tokens) {
      out.push_back(std::move(s));
      continue;
    }
    for (auto& piece : f(i, std::move(s.normalized)))
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
    for (auto& piece : f(i, std::move(s.normalized)))
      if (!piece.normalized.empty()) out.push_back(std::move(piece));
  }
  splits_ = std::move(out);
}

void PreTokenizedString::normalize(const std::function<void(NormalizedString&)>& f) {
  for (auto& s : splits_)
    if (!s.tokens) f(s.normalized);
}

}  // namespace hub::tokenizer
