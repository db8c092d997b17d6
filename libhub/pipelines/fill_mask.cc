// fill-mask post-processing (transformers FillMaskPipeline.postprocess).
#include <algorithm>
#include <numeric>

#include "hub/error.h"
#include "pipelines/postprocess.h"

namespace hub::pipelines {

FillMaskCandidate fill_mask_candidate(const std::vector<std::uint32_t>& ids, std::size_t position, std::uint32_t token,
                                      float score, std::optional<std::uint32_t> pad_id, bool single_mask,
                                      const DecodeFn& decode) {
  if (position >= ids.size())
    throw Error(Errc::invalid_input, "fill-mask: mask position " + std::to_string(position) + " outside " +
                                         std::to_string(ids.size()) + " tokens");
  std::vector<std::uint32_t> filled;
  filled.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::uint32_t id = i == position ? token : ids[i];
    if (pad_id && id == *pad_id) continue;  // transformers filters padding out
    filled.push_back(id);
  }
  FillMaskCandidate c;
  c.score = score;
  c.token = token;
  c.token_str = decode({token}, false);
  // With several masks the other masks are special tokens: keep them so the text reads right.
  c.sequence = decode(filled, single_mask);
  return c;
}

std::vector<std::vector<FillMaskCandidate>> fill_mask(std::span<const float> logits, std::size_t vocab,
                                                      const std::vector<std::uint32_t>& ids, std::uint32_t mask_id,
                                                      std::optional<std::uint32_t> pad_id, std::size_t top_k,
                                                      const DecodeFn& decode) {
  if (vocab == 0 || logits.size() < ids.size() * vocab)
    throw Error(Errc::invalid_input, "fill-mask: " + std::to_string(logits.size()) + " logits for " +
                                         std::to_string(ids.size()) + " tokens of a vocabulary of " +
                                         std::to_string(vocab));
  std::vector<std::size_t> masks;
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == mask_id) masks.push_back(i);
  if (masks.empty())
    throw Error(Errc::invalid_input,
                "fill-mask: no mask token (id " + std::to_string(mask_id) + ") found on the input");
  const std::size_t k = std::min(top_k, vocab);
  std::vector<std::vector<FillMaskCandidate>> out;
  for (std::size_t pos : masks) {
    std::span<const float> row = logits.subspan(pos * vocab, vocab);
    std::vector<float> probs = apply_function(row, ClassificationFunction::softmax);
    std::vector<std::uint32_t> order(vocab);
    std::iota(order.begin(), order.end(), 0u);
    std::partial_sort(
        order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
        [&](std::uint32_t a, std::uint32_t b) { return probs[a] > probs[b] || (probs[a] == probs[b] && a < b); });
    std::vector<FillMaskCandidate> row_out;
    for (std::size_t j = 0; j < k; ++j)
      row_out.push_back(fill_mask_candidate(ids, pos, order[j], probs[order[j]], pad_id, masks.size() == 1, decode));
    out.push_back(std::move(row_out));
  }
  return out;
}

}  // namespace hub::pipelines
