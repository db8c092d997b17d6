// feature-extraction post-processing (transformers FeatureExtractionPipeline.postprocess).
#include "hub/error.h"
#include "pipelines/postprocess.h"

namespace hub::pipelines {

FloatTensor sequence_features(const FloatTensor& hidden, std::size_t b, std::size_t length) {
  if (hidden.shape.size() != 3 || b >= hidden.shape[0] || length > hidden.shape[1])
    throw Error(Errc::invalid_input, "feature-extraction: no sequence " + std::to_string(b) + " of " +
                                         std::to_string(length) + " tokens in the hidden state");
  const std::size_t seq = hidden.shape[1], dim = hidden.shape[2];
  FloatTensor out;
  out.shape = {1, length, dim};
  const auto first = hidden.values.begin() + static_cast<std::ptrdiff_t>(b * seq * dim);
  out.values.assign(first, first + static_cast<std::ptrdiff_t>(length * dim));
  return out;
}

}  // namespace hub::pipelines
