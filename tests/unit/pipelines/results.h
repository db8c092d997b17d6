// TextResult builders for the pipeline tests (one task member set, the others empty).
#pragma once

#include <utility>
#include <vector>

#include "hub/pipeline.h"

namespace hub::pipelines::test {

inline TextResult with_labels(std::vector<ClassLabel> v) {
  TextResult t;
  t.labels = std::move(v);
  return t;
}
inline TextResult with_masks(std::vector<std::vector<FillMaskCandidate>> v) {
  TextResult t;
  t.masks = std::move(v);
  return t;
}
inline TextResult with_entities(std::vector<Entity> v) {
  TextResult t;
  t.entities = std::move(v);
  return t;
}
inline TextResult with_features(FloatTensor v) {
  TextResult t;
  t.features = std::move(v);
  return t;
}
inline TextResult with_embedding(std::vector<float> v) {
  TextResult t;
  t.embedding = std::move(v);
  return t;
}

}  // namespace hub::pipelines::test
