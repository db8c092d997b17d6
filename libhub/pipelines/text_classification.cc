// text-classification post-processing (transformers TextClassificationPipeline.postprocess).
#include <algorithm>
#include <cmath>

#include "hub/error.h"
#include "pipelines/postprocess.h"

namespace hub::pipelines {

ClassificationFunction default_classification_function(std::string_view problem_type, std::size_t num_labels) {
  if (problem_type == "regression") return ClassificationFunction::none;
  if (problem_type == "multi_label_classification" || num_labels == 1) return ClassificationFunction::sigmoid;
  return ClassificationFunction::softmax;
}

std::vector<float> apply_function(std::span<const float> logits, ClassificationFunction function) {
  std::vector<float> out(logits.begin(), logits.end());
  switch (function) {
    case ClassificationFunction::none: break;
    case ClassificationFunction::sigmoid:
      for (float& v : out) v = 1.0f / (1.0f + std::exp(-v));
      break;
    case ClassificationFunction::softmax: {
      if (out.empty()) break;
      const float max = *std::max_element(out.begin(), out.end());
      float sum = 0;
      for (float& v : out) sum += (v = std::exp(v - max));
      for (float& v : out) v /= sum;
      break;
    }
  }
  return out;
}

std::vector<ClassLabel> classify(std::span<const float> logits, const std::vector<std::string>& id2label,
                                 ClassificationFunction function, std::optional<int> top_k) {
  if (logits.size() != id2label.size())
    throw Error(Errc::invalid_input, "text-classification: " + std::to_string(logits.size()) + " logits for " +
                                         std::to_string(id2label.size()) + " labels");
  if (top_k && *top_k < 0 && *top_k != top_k_all)
    throw Error(Errc::invalid_input, "text-classification: top_k must be >= 0 or all, got " + std::to_string(*top_k));
  const std::vector<float> scores = apply_function(logits, function);
  std::vector<ClassLabel> labels;
  if (!top_k) {  // transformers' legacy output: the first maximum only
    if (scores.empty()) return labels;
    auto best = std::max_element(scores.begin(), scores.end());
    labels.push_back({id2label[static_cast<std::size_t>(best - scores.begin())], *best});
    return labels;
  }
  for (std::size_t i = 0; i < scores.size(); ++i) labels.push_back({id2label[i], scores[i]});
  std::stable_sort(labels.begin(), labels.end(),
                   [](const ClassLabel& a, const ClassLabel& b) { return a.score > b.score; });
  if (*top_k != top_k_all && static_cast<std::size_t>(*top_k) < labels.size())
    labels.resize(static_cast<std::size_t>(*top_k));
  return labels;
}

}  // namespace hub::pipelines
