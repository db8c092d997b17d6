// Task, aggregation strategy and classification function names (hub/pipeline.h).
#include <string>

#include "core/strings.h"
#include "hub/error.h"
#include "hub/pipeline.h"

namespace hub {

std::string_view to_string(Task task) noexcept {
  switch (task) {
    case Task::text_classification: return "text-classification";
    case Task::token_classification: return "token-classification";
    case Task::fill_mask: return "fill-mask";
    case Task::feature_extraction: return "feature-extraction";
    case Task::sentence_embeddings: return "embeddings";
    case Task::text_generation: return "text-generation";
    case Task::text2text_generation: return "text2text-generation";
  }
  return "text-classification";
}

Task parse_task(std::string_view name) {
  if (name == "text-classification" || name == "sentiment-analysis") return Task::text_classification;
  if (name == "token-classification" || name == "ner") return Task::token_classification;
  if (name == "fill-mask") return Task::fill_mask;
  if (name == "feature-extraction") return Task::feature_extraction;
  if (name == "sentence-similarity" || name == "embeddings") return Task::sentence_embeddings;
  if (name == "text-generation") return Task::text_generation;
  if (name == "text2text-generation") return Task::text2text_generation;
  throw Error(Errc::invalid_input,
              "unknown task \"" + std::string(name) +
                  "\": expected text-classification (sentiment-analysis), token-classification (ner), fill-mask, "
                  "feature-extraction, sentence-similarity, embeddings, text-generation or text2text-generation");
}

std::string_view to_string(AggregationStrategy strategy) noexcept {
  switch (strategy) {
    case AggregationStrategy::none: return "none";
    case AggregationStrategy::simple: return "simple";
    case AggregationStrategy::first: return "first";
    case AggregationStrategy::average: return "average";
    case AggregationStrategy::max: return "max";
  }
  return "none";
}

AggregationStrategy parse_aggregation_strategy(std::string_view name) {
  for (auto s : {AggregationStrategy::none, AggregationStrategy::simple, AggregationStrategy::first,
                 AggregationStrategy::average, AggregationStrategy::max})
    if (iequals(name, to_string(s))) return s;
  throw Error(Errc::invalid_input, "unknown aggregation strategy \"" + std::string(name) +
                                       "\": expected none, simple, first, average or max");
}

std::string_view to_string(ClassificationFunction function) noexcept {
  switch (function) {
    case ClassificationFunction::sigmoid: return "sigmoid";
    case ClassificationFunction::softmax: return "softmax";
    case ClassificationFunction::none: return "none";
  }
  return "none";
}

ClassificationFunction parse_classification_function(std::string_view name) {
  for (auto f : {ClassificationFunction::sigmoid, ClassificationFunction::softmax, ClassificationFunction::none})
    if (iequals(name, to_string(f))) return f;
  throw Error(Errc::invalid_input,
              "unknown function_to_apply \"" + std::string(name) + "\": expected sigmoid, softmax or none");
}

}  // namespace hub
